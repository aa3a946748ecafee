import type { LinkedBlob } from '@stowage/registry-data';
import { BlobLinkCache } from './blob-link-cache';

/** A database of links by repository path, counting what the cache asks it. */
class FakeLinks {
  readonly links = new Map<string, LinkedBlob>();
  queries = 0;
  /** When set, a query waits for it: a read still running while a change commits. */
  hold: Promise<void> | undefined;
  private queryStarted!: () => void;
  /** Resolves once a query has been made. */
  readonly queried = new Promise<void>((resolve) => (this.queryStarted = resolve));

  readonly find = async (path: string, digest: string): Promise<LinkedBlob | null> => {
    this.queries += 1;
    this.queryStarted();
    const found = this.links.get(`${path} ${digest}`) ?? null;
    await this.hold;
    return found;
  };

  link(path: string, digest: string, size = 10): void {
    this.links.set(`${path} ${digest}`, { digest, size });
  }
}

function cacheOf(source: FakeLinks, feed: 'current' | 'down' | 'none'): BlobLinkCache {
  const cache = new BlobLinkCache(source.find, { maxLinks: 100 });
  if (feed !== 'none') cache.follow({ sync: async () => feed === 'current' });
  return cache;
}

describe('BlobLinkCache while its change feed has heard every change', () => {
  it('answers repeated reads from memory until a change is announced', async () => {
    const source = new FakeLinks();
    source.link('g/p', 'sha256:a', 42);
    const cache = cacheOf(source, 'current');

    expect(await cache.find('g/p', 'sha256:a')).toEqual({ digest: 'sha256:a', size: 42 });
    expect(await cache.find('g/p', 'sha256:a')).toEqual({ digest: 'sha256:a', size: 42 });
    expect(source.queries).toBe(1);

    source.links.clear();
    cache.forgetAll();
    expect(await cache.find('g/p', 'sha256:a')).toBeNull();
    expect(source.queries).toBe(2);
  });

  it('keeps repositories apart and does not remember a missing link', async () => {
    const source = new FakeLinks();
    source.link('g/p', 'sha256:a');
    const cache = cacheOf(source, 'current');

    expect(await cache.find('g/other', 'sha256:a')).toBeNull();
    source.link('g/other', 'sha256:a');
    expect(await cache.find('g/other', 'sha256:a')).toEqual({ digest: 'sha256:a', size: 10 });
    expect(source.queries).toBe(2);
  });

  it('does not store an answer read before a change that committed while it was read', async () => {
    const source = new FakeLinks();
    source.link('g/p', 'sha256:a');
    const cache = cacheOf(source, 'current');
    let release!: () => void;
    source.hold = new Promise((resolve) => (release = resolve));

    const reading = cache.find('g/p', 'sha256:a');
    await source.queried;
    source.links.clear();
    cache.forgetAll();
    release();
    expect(await reading).not.toBeNull();
    source.hold = undefined;
    expect(await cache.find('g/p', 'sha256:a')).toBeNull();
  });
});

describe.each(['down', 'none'] as const)('BlobLinkCache with its change feed %s', (feed) => {
  it('asks the database on every read', async () => {
    const source = new FakeLinks();
    source.link('g/p', 'sha256:a');
    const cache = cacheOf(source, feed);

    expect(await cache.find('g/p', 'sha256:a')).not.toBeNull();
    source.links.clear();
    expect(await cache.find('g/p', 'sha256:a')).toBeNull();
    expect(source.queries).toBe(2);
  });
});
