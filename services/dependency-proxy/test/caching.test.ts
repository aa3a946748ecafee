import { text } from 'node:stream/consumers';
import { Readable } from 'node:stream';
import { DependencyUnavailableError } from '@stowage/errors';
import { findCachedBlob, proxyBlobKey } from '@stowage/dependency-proxy-data';
import { createSilentLogger } from '@stowage/logging';
import {
  buildTestImage,
  describeWithDockerRegistry,
  sha256Digest,
  startDockerRegistry,
  type DockerRegistry,
} from '@stowage/testing';
import { BlobFetches, CorruptUpstreamBlobError } from '../src/domain/blob-fetches';
import { ManifestCache } from '../src/domain/manifest-cache';
import type { UpstreamTarget } from '../src/domain/upstream-targets';
import type { UpstreamRegistry } from '../src/ports/upstream-registry';
import { createUpstreamRegistry } from '../src/upstream';
import { openProxyState, type ProxyStateFixture } from './support/proxy-db';

describeWithDockerRegistry('the proxy cache against docker-registry', () => {
  const image = buildTestImage({ 'app.txt': 'cached through the proxy\n' });
  const layer = image.layers[0]!;
  const layerDigest = sha256Digest(layer);
  let registry: DockerRegistry;
  let state: ProxyStateFixture;
  let upstream: UpstreamRegistry & { close(): Promise<void> };
  let targets: UpstreamTarget[];
  let groupId = 0;

  beforeAll(async () => {
    [registry, state] = await Promise.all([startDockerRegistry(), openProxyState()]);
    await registry.pushImage('team/app', 'v1', image);
    upstream = createUpstreamRegistry({ name: 'local', url: registry.url, username: null, password: null });
    targets = [{ upstream, image: 'team/app' }];
  }, 60_000);
  afterAll(async () => {
    await upstream?.close();
    await Promise.all([registry?.stop(), state?.close()]);
  });
  beforeEach(async () => {
    groupId += 1;
    await registry.resume();
    await registry.clearRequests();
  });

  const manifests = () => new ManifestCache({ db: state.prisma, logger: createSilentLogger() });
  const byTag = (cache: ManifestCache, tag = 'v1') =>
    cache.resolve({ groupId, image: 'app', reference: { tag }, targets });

  it('when a tag is pulled twice, then the second pull costs one upstream HEAD and no GET, and the digest is the upstream one', async () => {
    const cache = manifests();
    const first = await byTag(cache);
    await registry.clearRequests();
    const second = await byTag(cache);

    expect([first?.cache, second?.cache]).toEqual(['miss', 'hit']);
    expect(second?.digest).toBe(image.digest);
    expect(second?.payload.equals(image.manifest)).toBe(true);
    expect(await registry.countRequests('HEAD', '/v2/team/app/manifests/v1')).toBe(1);
    expect(await registry.countRequests('GET', /\/manifests\//)).toBe(0);
  });

  it('when the upstream is down, then a cached tag is served stale and an uncached one fails as unavailable', async () => {
    const cache = manifests();
    await byTag(cache);
    await registry.pause();

    expect((await byTag(cache))?.cache).toBe('stale');
    await expect(byTag(cache, 'v2')).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it('when a manifest is asked for by digest after its tag, then the cache answers without the upstream', async () => {
    const cache = manifests();
    await byTag(cache);
    await registry.clearRequests();
    const pinned = await cache.resolve({
      groupId,
      image: 'app',
      reference: { digest: image.digest },
      targets,
    });

    expect(pinned?.cache).toBe('hit');
    expect(await registry.requests()).toEqual([]);
  });

  it('when the upstream HEAD says nothing usable, then a GET decides, and an unreachable upstream serves the cache stale', async () => {
    const cache = manifests();
    const payload = (n: number) => Buffer.from(JSON.stringify({ schemaVersion: 2, n }));
    let served = payload(1);
    let down = false;
    const quirky: UpstreamRegistry = {
      name: 'quirky',
      headManifest: async () => {
        if (down) throw new DependencyUnavailableError('upstream quirky', 'connection refused');
        throw new Error('HEAD answered without Docker-Content-Digest');
      },
      getManifest: async () => ({
        digest: sha256Digest(served),
        mediaType: 'application/vnd.oci.image.index.v1+json',
        size: served.length,
        payload: served,
      }),
      getBlob: async () => null,
    };
    const ask = () =>
      cache.resolve({
        groupId,
        image: 'app',
        reference: { tag: 'v1' },
        targets: [{ upstream: quirky, image: 'app' }],
      });

    expect((await ask())?.cache).toBe('miss');
    served = payload(2);
    const moved = await ask();
    down = true;
    const stale = await ask();

    expect([moved?.cache, moved?.digest]).toEqual(['miss', sha256Digest(payload(2))]);
    expect([stale?.cache, stale?.digest]).toEqual(['stale', sha256Digest(payload(2))]);
  });

  it('when an unknown tag is asked for, then the answer is null (404), not an error', async () => {
    expect(await byTag(manifests(), 'missing')).toBeNull();
  });

  it('when ten requests miss one blob at once, then the upstream sends it once and every request gets it from one fetch', async () => {
    const fetches = new BlobFetches({ db: state.prisma, blobs: state.blobs });
    const joins = Array.from({ length: 10 }, (_, i) => fetches.join(groupId, layerDigest, targets, i === 0));
    const live = joins[0]!.fetch.takeLive();
    const [streamed] = await Promise.all([
      live ? Readable.from(live).toArray() : [],
      ...joins.map((join) => join.fetch.committed),
    ]);

    expect(joins.map((join) => join.leader)).toEqual([true, ...Array(9).fill(false)]);
    expect(Buffer.concat(streamed as Buffer[]).equals(layer)).toBe(true);
    expect(await registry.countRequests('GET', `/v2/team/app/blobs/${layerDigest}`)).toBe(1);
    expect(await text(await state.blobs.get(proxyBlobKey(layerDigest)))).toBe(layer.toString());
    expect(Number((await findCachedBlob(state.prisma, groupId, layerDigest))?.size)).toBe(layer.length);
  });

  it('when the upstream sends other bytes than the digest names, then nothing is stored and the fetch fails', async () => {
    const digest = sha256Digest(Buffer.from('what the client asked for'));
    const lying: UpstreamRegistry = {
      name: 'lying',
      headManifest: async () => null,
      getManifest: async () => null,
      getBlob: async () => ({ size: null, body: Readable.from([Buffer.from('something else')]) }),
    };
    const fetches = new BlobFetches({ db: state.prisma, blobs: state.blobs });
    const { fetch } = fetches.join(groupId, digest, [{ upstream: lying, image: 'app' }], false);

    await expect(fetch.committed).rejects.toBeInstanceOf(CorruptUpstreamBlobError);
    expect(await findCachedBlob(state.prisma, groupId, digest)).toBeNull();
    expect(await state.blobs.stat(proxyBlobKey(digest))).toBeNull();
    const leftovers = [];
    for await (const object of state.blobs.list('dependency-proxy/fetches/')) leftovers.push(object.key);
    expect(leftovers).toEqual([]);
  });
});
