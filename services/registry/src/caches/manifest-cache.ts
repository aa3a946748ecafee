import { LRUCache } from 'lru-cache';
import type { ManifestIdentity, ServedManifest } from '@stowage/registry-data';
import { HeardChanges, type ChangeFeed } from './heard-changes';

export type ManifestReference = { digest: string } | { tag: string };

/** Where the cache reads what it does not hold (the registry's database). */
export interface ManifestSource {
  /** The manifest a reference names in a live repository, payload included. */
  find(path: string, reference: ManifestReference): Promise<ServedManifest | null>;
  /** Which manifest a reference names now, without reading the payload. */
  identify(path: string, reference: ManifestReference): Promise<ManifestIdentity | null>;
}

export interface ManifestCacheOptions {
  /** Upper bound on the payload bytes held (manifests are at most 4 MiB each). */
  maxPayloadBytes: number;
  /** Upper bound on the references remembered (only used when changes are announced). */
  maxReferences: number;
}

/**
 * The manifests pulls ask for, kept per replica so the hottest request of a registry (a manifest
 * GET by tag) skips the database when it can. Payloads are kept by digest: a digest names the
 * same bytes forever, so they never go stale; only which digest a tag (or a repository) points
 * at can change, and that part is trusted only while every change is known to have been heard.
 */
export class ManifestCache {
  private readonly payloads: LRUCache<string, Uint8Array>;
  private readonly references: LRUCache<string, ManifestIdentity>;
  private readonly heard = new HeardChanges();

  constructor(
    private readonly source: ManifestSource,
    private readonly options: ManifestCacheOptions,
  ) {
    this.payloads = new LRUCache({
      maxSize: options.maxPayloadBytes,
      sizeCalculation: (payload) => Math.max(payload.length, 1),
    });
    this.references = new LRUCache({ max: options.maxReferences });
  }

  /**
   * Follows a feed that calls `forgetAll()` at every committed change to tags, manifests and
   * repositories. While it can `sync()`, what the cache says a reference names is never older
   * than the database and a hit needs no query; when it cannot (no feed yet, or its connection
   * is down), every read asks which manifest the reference names now, and only the payload is
   * taken from the cache.
   */
  follow(changes: ChangeFeed): void {
    this.heard.follow(changes);
  }

  async get(path: string, reference: ManifestReference): Promise<ServedManifest | null> {
    return (await this.heard.caughtUp())
      ? this.getTrustingReferences(path, reference)
      : this.getCheckingReferences(path, reference);
  }

  /** A change was committed (or may have been missed): what any reference names may differ now. */
  forgetAll(): void {
    this.heard.changed();
    this.references.clear();
  }

  private async getTrustingReferences(
    path: string,
    reference: ManifestReference,
  ): Promise<ServedManifest | null> {
    const key = referenceKey(path, reference);
    const known = this.references.get(key);
    const payload = known && this.payloads.get(known.digest);
    if (known && payload) return { ...known, payload };
    const stamp = this.heard.stamp();
    const found = await this.source.find(path, reference);
    // A change committed while the query ran may have made its answer old already.
    if (found && this.heard.unchangedSince(stamp)) {
      this.references.set(key, { digest: found.digest, mediaType: found.mediaType });
      this.remember(found);
    }
    return found;
  }

  private async getCheckingReferences(
    path: string,
    reference: ManifestReference,
  ): Promise<ServedManifest | null> {
    const current = await this.source.identify(path, reference);
    if (!current) return null;
    const payload = this.payloads.get(current.digest);
    if (payload) return { ...current, payload };
    const found = await this.source.find(path, { digest: current.digest });
    if (found) this.remember(found);
    return found;
  }

  private remember(manifest: ServedManifest): void {
    if (manifest.payload.length <= this.options.maxPayloadBytes) {
      this.payloads.set(manifest.digest, manifest.payload);
    }
  }
}

function referenceKey(path: string, reference: ManifestReference): string {
  // Neither a path nor a reference holds a space, so the key is unambiguous.
  return 'digest' in reference ? `${path} @${reference.digest}` : `${path} :${reference.tag}`;
}
