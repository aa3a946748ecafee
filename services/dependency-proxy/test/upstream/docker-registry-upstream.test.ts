import {
  buildTestImage,
  describeWithDockerRegistry,
  startDockerRegistry,
  type DockerRegistry,
} from '@stowage/testing';
import { text } from 'node:stream/consumers';
import { createHash } from 'node:crypto';
import {
  createUpstreamRegistry,
  UpstreamUnavailableError,
  type UpstreamRegistry,
  type UpstreamRequestEvent,
} from '../../src/upstream';

describeWithDockerRegistry('upstream client against docker-registry', () => {
  const image = buildTestImage({ 'hello.txt': 'hello from upstream\n' });
  let registry: DockerRegistry;
  let upstream: UpstreamRegistry;
  let events: UpstreamRequestEvent[];

  beforeAll(async () => {
    registry = await startDockerRegistry();
    await registry.pushImage('library/hello', 'v1', image);
  });
  afterAll(() => registry?.stop());

  beforeEach(async () => {
    events = [];
    upstream = createUpstreamRegistry(
      { name: 'hub', url: registry.url, username: null, password: null },
      { observe: (event) => events.push(event) },
    );
    await registry.clearRequests();
  });
  afterEach(() => upstream.close());

  it('when a tag is HEADed, then the digest, media type and size come back from one HEAD and no GET', async () => {
    const head = await upstream.headManifest('library/hello', 'v1');

    expect(head).toEqual({ digest: image.digest, mediaType: image.mediaType, size: image.manifest.length });
    expect(await registry.countRequests('HEAD', '/v2/library/hello/manifests/v1')).toBe(1);
    expect(await registry.countRequests('GET', /manifests/)).toBe(0);
    expect(events).toEqual([{ upstream: 'hub', method: 'HEAD', outcome: '200' }]);
  });

  it('when a manifest is fetched by tag and by digest, then both return the pushed bytes and digest', async () => {
    const byTag = await upstream.getManifest('library/hello', 'v1');
    const byDigest = await upstream.getManifest('library/hello', image.digest);

    for (const fetched of [byTag, byDigest]) {
      expect(fetched?.payload.equals(image.manifest)).toBe(true);
      expect(fetched).toMatchObject({
        digest: image.digest,
        mediaType: image.mediaType,
        size: image.manifest.length,
      });
    }
    expect(await upstream.headManifest('library/hello', image.digest)).toMatchObject({
      digest: image.digest,
    });
  });

  it('when a manifest or blob does not exist upstream, then null comes back', async () => {
    const missingDigest = `sha256:${createHash('sha256').update('nothing').digest('hex')}`;

    expect(await upstream.headManifest('library/hello', 'v2')).toBeNull();
    expect(await upstream.getManifest('library/nothing', 'v1')).toBeNull();
    expect(await upstream.getBlob('library/hello', missingDigest)).toBeNull();
    expect(events.map((e) => e.outcome)).toEqual(['404', '404', '404']);
  });

  it('when a blob is fetched, then its bytes stream through with its size', async () => {
    const layer = image.layers[0]!;
    const digest = `sha256:${createHash('sha256').update(layer).digest('hex')}`;

    const blob = await upstream.getBlob('library/hello', digest);
    const chunks: Buffer[] = [];
    for await (const chunk of blob!.body) chunks.push(chunk as Buffer);

    expect(blob!.size).toBe(layer.length);
    expect(Buffer.concat(chunks).equals(layer)).toBe(true);
    expect(await registry.countRequests('GET', `/v2/library/hello/blobs/${digest}`)).toBe(1);
  });

  it('when the config blob is read as text, then it is the config that was pushed', async () => {
    const digest = `sha256:${createHash('sha256').update(image.config).digest('hex')}`;
    const blob = await upstream.getBlob('library/hello', digest);
    expect(await text(blob!.body)).toBe(image.config.toString());
  });

  it('when the upstream is down, then UpstreamUnavailableError, and it works again once the upstream is back', async () => {
    await registry.pause();
    try {
      await expect(upstream.headManifest('library/hello', 'v1')).rejects.toBeInstanceOf(
        UpstreamUnavailableError,
      );
      expect(events).toEqual([{ upstream: 'hub', method: 'HEAD', outcome: 'error' }]);
    } finally {
      await registry.resume();
    }
    expect(await upstream.headManifest('library/hello', 'v1')).toMatchObject({ digest: image.digest });
  });
});
