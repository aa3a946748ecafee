import { LRUCache } from 'lru-cache';
import type { LinkedBlob } from '@stowage/registry-data';
import { HeardChanges, type ChangeFeed } from './heard-changes';

/** Where the cache reads what it does not hold (the registry's database). */
export type LinkedBlobSource = (path: string, digest: string) => Promise<LinkedBlob | null>;

/**
 * Which blobs each repository may serve, kept per replica so that a pull's blob GETs and a push's
 * blob HEADs skip the database when they can (what Distribution's blob descriptor cache does). A
 * link only stops being true when a link, a blob or a repository is deleted or changed, and each
 * of those commits announces itself: what the cache holds is trusted only while every change is
 * known to have been heard, and a missing link is never remembered.
 */
export class BlobLinkCache {
  private readonly links: LRUCache<string, LinkedBlob>;
  private readonly heard = new HeardChanges();

  constructor(
    private readonly source: LinkedBlobSource,
    options: { maxLinks: number },
  ) {
    this.links = new LRUCache({ max: options.maxLinks });
  }

  /** Follows a feed that calls `forgetAll()` at every committed change (see ManifestCache.follow). */
  follow(changes: ChangeFeed): void {
    this.heard.follow(changes);
  }

  /** The blob if the live repository at `path` may serve it, else null. */
  async find(path: string, digest: string): Promise<LinkedBlob | null> {
    if (!(await this.heard.caughtUp())) return this.source(path, digest);
    // Neither a path nor a digest holds a space, so the key is unambiguous.
    const key = `${path} ${digest}`;
    const known = this.links.get(key);
    if (known) return known;
    const stamp = this.heard.stamp();
    const found = await this.source(path, digest);
    // A change committed while the query ran may have made its answer old already.
    if (found && this.heard.unchangedSince(stamp)) this.links.set(key, found);
    return found;
  }

  /** A change was committed (or may have been missed): any link may be gone now. */
  forgetAll(): void {
    this.heard.changed();
    this.links.clear();
  }
}
