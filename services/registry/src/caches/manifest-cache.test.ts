import type { ManifestIdentity, ServedManifest } from '@stowage/registry-data';
import { ManifestCache, type ManifestReference, type ManifestSource } from './manifest-cache';

const manifest = (digest: string, payload = `{"d":"${digest}"}`): ServedManifest => ({
  digest,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  payload: Buffer.from(payload),
});

/** A database of one repository whose tags can be moved, counting what the cache asks it. */
class FakeSource implements ManifestSource {
  readonly tags = new Map<string, ServedManifest>();
  finds = 0;
  identifies = 0;
  /** When set, `find` waits for it: a query still running while a change commits. */
  hold: Promise<void> | undefined;
  private findStarted!: () => void;
  /** Resolves once `find` has been called. */
  readonly findCalled = new Promise<void>((resolve) => (this.findStarted = resolve));

  private lookup(reference: ManifestReference): ServedManifest | null {
    if ('tag' in reference) return this.tags.get(reference.tag) ?? null;
    return [...this.tags.values()].find((m) => m.digest === reference.digest) ?? null;
  }

  async find(_path: string, reference: ManifestReference): Promise<ServedManifest | null> {
    this.finds += 1;
    this.findStarted();
    const found = this.lookup(reference);
    await this.hold;
    return found;
  }

  async identify(_path: string, reference: ManifestReference): Promise<ManifestIdentity | null> {
    this.identifies += 1;
    const found = this.lookup(reference);
    return found && { digest: found.digest, mediaType: found.mediaType };
  }
}

const options = { maxPayloadBytes: 1024, maxReferences: 100 };

/** A cache following a feed that always (or never) has heard every change. */
function cacheOf(source: ManifestSource, feed: 'current' | 'down' | 'none'): ManifestCache {
  const cache = new ManifestCache(source, options);
  if (feed !== 'none') cache.follow({ sync: async () => feed === 'current' });
  return cache;
}

describe('ManifestCache while its change feed has heard every change', () => {
  it('answers a repeated pull from memory until a change is announced', async () => {
    const source = new FakeSource();
    source.tags.set('v1', manifest('sha256:a'));
    const cache = cacheOf(source, 'current');

    expect((await cache.get('g/p', { tag: 'v1' }))?.digest).toBe('sha256:a');
    expect((await cache.get('g/p', { tag: 'v1' }))?.digest).toBe('sha256:a');
    expect(source.finds).toBe(1);

    source.tags.set('v1', manifest('sha256:b'));
    cache.forgetAll();
    expect((await cache.get('g/p', { tag: 'v1' }))?.digest).toBe('sha256:b');
    expect(source.finds).toBe(2);
  });

  it('keeps repositories apart and does not remember a missing manifest', async () => {
    const source = new FakeSource();
    const cache = cacheOf(source, 'current');
    expect(await cache.get('g/p', { tag: 'v1' })).toBeNull();
    source.tags.set('v1', manifest('sha256:a'));
    expect((await cache.get('g/p', { tag: 'v1' }))?.digest).toBe('sha256:a');
    await cache.get('g/other', { tag: 'v1' });
    expect(source.finds).toBe(3);
  });

  it('does not store an answer read before a change that committed while it was read', async () => {
    const source = new FakeSource();
    source.tags.set('v1', manifest('sha256:a'));
    const cache = cacheOf(source, 'current');
    let release!: () => void;
    source.hold = new Promise((resolve) => (release = resolve));
    const early = cache.get('g/p', { tag: 'v1' });
    await source.findCalled;
    source.tags.set('v1', manifest('sha256:b'));
    cache.forgetAll();
    release();
    expect((await early)?.digest).toBe('sha256:a');
    source.hold = undefined;
    expect((await cache.get('g/p', { tag: 'v1' }))?.digest).toBe('sha256:b');
  });

  it('does not hold a payload larger than its budget', async () => {
    const source = new FakeSource();
    source.tags.set('big', manifest('sha256:big', 'x'.repeat(2048)));
    const cache = cacheOf(source, 'current');
    await cache.get('g/p', { tag: 'big' });
    await cache.get('g/p', { tag: 'big' });
    expect(source.finds).toBe(2);
  });
});

describe.each(['down', 'none'] as const)('ManifestCache when the change feed is %s', (feed) => {
  it('asks which manifest a reference names on every pull, and reads each payload once', async () => {
    const source = new FakeSource();
    source.tags.set('v1', manifest('sha256:a'));
    const cache = cacheOf(source, feed);

    expect((await cache.get('g/p', { tag: 'v1' }))?.digest).toBe('sha256:a');
    expect((await cache.get('g/p', { tag: 'v1' }))?.digest).toBe('sha256:a');
    expect(source.identifies).toBe(2);
    expect(source.finds).toBe(1);

    // Another replica moves the tag and nobody tells this one.
    source.tags.set('v1', manifest('sha256:b'));
    expect((await cache.get('g/p', { tag: 'v1' }))?.digest).toBe('sha256:b');
    // ... or deletes the manifest.
    source.tags.clear();
    expect(await cache.get('g/p', { digest: 'sha256:a' })).toBeNull();
    expect(await cache.get('g/p', { tag: 'v1' })).toBeNull();
  });
});
