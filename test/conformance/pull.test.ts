import { STOP_TIMEOUT_MS } from '../e2e/support/standalone';
import {
  buildImage,
  imageIndex,
  MEDIA_TYPE,
  type Content,
  type Image,
  type Manifest,
} from './support/content';
import { startConformanceWorld, WORLD_TIMEOUT_MS, type ConformanceWorld } from './support/conformance-world';
import { expectApiVersionHeader, expectOciError, expectStatus, headersOf } from './support/oci-assertions';
import { pushImage, pushManifest } from './support/publish';
import type { RegistryResponse } from './support/registry-client';

// OCI distribution-spec, workflow category "Pull" (end-1, end-2, end-3): the API version check,
// manifests by tag and by digest, blobs whole and in ranges, HEAD for existence, and the failures.
// Runs the compiled standalone launcher: `pnpm run build` first.

/** What a client that takes every manifest format sends, as docker and containerd do. */
const ACCEPT_ALL_MANIFESTS = [
  MEDIA_TYPE.ociManifest,
  MEDIA_TYPE.ociIndex,
  MEDIA_TYPE.dockerManifest,
  MEDIA_TYPE.dockerManifestList,
].join(', ');

const UNKNOWN_DIGEST = `sha256:${'0'.repeat(64)}`;

describe('OCI conformance: pull', () => {
  let world: ConformanceWorld;
  let repository: string;
  /** A repository below the project that nobody pushed to. */
  let emptyRepository: string;
  let token: string;
  let ociImage: Image;
  let dockerImage: Image;
  let index: Manifest;

  beforeAll(async () => {
    world = await startConformanceWorld('pull');
    repository = world.repository('images');
    emptyRepository = world.repository('never-pushed');
    token = await world.rootToken(repository, emptyRepository);
    ociImage = buildImage();
    dockerImage = buildImage({ format: 'docker' });
    await pushImage(world.registry, token, repository, ociImage, 'latest');
    await pushImage(world.registry, token, repository, dockerImage, 'docker');
    // An index may only name manifests its repository holds: push its second child first.
    const second = buildImage();
    await pushImage(world.registry, token, repository, second);
    index = imageIndex({ manifests: [ociImage.manifest, second.manifest] });
    await pushManifest(world.registry, token, repository, 'multi', index);
  }, WORLD_TIMEOUT_MS);

  afterAll(() => world?.stop(), STOP_TIMEOUT_MS);

  const get = (path: string, headers: Record<string, string> = {}) =>
    world.registry.send('GET', path, { token, headers });
  const head = (path: string, headers: Record<string, string> = {}) =>
    world.registry.send('HEAD', path, { token, headers });

  describe('GET /v2/ (end-1)', () => {
    it('when a client with a token checks for the API, then it answers 200 with Docker-Distribution-API-Version: registry/2.0', async () => {
      const response = await get('/v2/');

      expectStatus(response, 200);
      expectApiVersionHeader(response);
    });
  });

  describe('pulling manifests (end-3)', () => {
    const formats: Array<[string, string, () => Manifest]> = [
      ['an OCI image manifest', 'latest', () => ociImage.manifest],
      ['a Docker schema 2 manifest', 'docker', () => dockerImage.manifest],
      ['an OCI image index', 'multi', () => index],
    ];

    describe.each(formats)('of %s', (_name, tag, manifestOf) => {
      const expectManifestHeaders = (response: RegistryResponse, manifest: Content) => {
        expect(headersOf(response, 'content-type', 'docker-content-digest', 'content-length')).toEqual({
          'content-type': manifest.mediaType,
          'docker-content-digest': manifest.digest,
          'content-length': String(manifest.size),
        });
        expect(response.headers.get('etag')).toContain(manifest.digest);
        expectApiVersionHeader(response);
      };

      it('when it is fetched by tag, then it answers 200 with the exact bytes pushed, their type and digest', async () => {
        const manifest = manifestOf();

        const response = await get(`/v2/${repository}/manifests/${tag}`, { accept: ACCEPT_ALL_MANIFESTS });

        expectStatus(response, 200);
        expect(response.text()).toBe(manifest.bytes.toString());
        expectManifestHeaders(response, manifest);
      });

      it('when it is fetched by digest, then it answers 200 with the exact bytes pushed, their type and digest', async () => {
        const manifest = manifestOf();

        const response = await get(`/v2/${repository}/manifests/${manifest.digest}`, {
          accept: ACCEPT_ALL_MANIFESTS,
        });

        expectStatus(response, 200);
        expect(response.text()).toBe(manifest.bytes.toString());
        expectManifestHeaders(response, manifest);
      });

      it.each(['tag', 'digest'])(
        'when HEAD asks for it by %s, then it answers 200 with the headers of a GET and no body',
        async (by) => {
          const manifest = manifestOf();

          const response = await head(`/v2/${repository}/manifests/${by === 'tag' ? tag : manifest.digest}`, {
            accept: ACCEPT_ALL_MANIFESTS,
          });

          expectStatus(response, 200);
          expect(response.body).toHaveLength(0);
          expectManifestHeaders(response, manifest);
        },
      );
    });

    it('when a tag the repository does not have is fetched, then it answers 404 MANIFEST_UNKNOWN', async () => {
      const response = await get(`/v2/${repository}/manifests/no-such-tag`);

      expectOciError(response, 404, 'MANIFEST_UNKNOWN');
      expectApiVersionHeader(response);
    });

    it('when a digest the repository does not have is fetched, then it answers 404 MANIFEST_UNKNOWN', async () => {
      expectOciError(await get(`/v2/${repository}/manifests/${UNKNOWN_DIGEST}`), 404, 'MANIFEST_UNKNOWN');
    });

    it('when HEAD asks for an unknown manifest, then it answers 404 without a body', async () => {
      const response = await head(`/v2/${repository}/manifests/no-such-tag`);

      expectStatus(response, 404);
      expect(response.body).toHaveLength(0);
    });

    it('when a manifest is fetched from a repository nobody pushed to, then it answers 404 MANIFEST_UNKNOWN', async () => {
      expectOciError(await get(`/v2/${emptyRepository}/manifests/latest`), 404, 'MANIFEST_UNKNOWN');
    });

    // Neither a valid tag nor a digest: no manifest can have that name, so it is unknown, as CNCF
    // Distribution answers (404), with the spec's error body. PUT keeps TAG_INVALID (push-manifests).
    describe.each([
      ['a tag starting with a dash', '-leading-dash'],
      ['a tag starting with a dot', '.hidden'],
      ['a tag of 129 characters', 'a'.repeat(129)],
      ['a digest that is not hex', 'sha256:not-hex'],
      ['a digest too short for its algorithm', 'sha256:abc'],
    ])('when the reference is %s', (_case, reference) => {
      it('then GET answers 404 MANIFEST_UNKNOWN', async () => {
        const response = await get(`/v2/${repository}/manifests/${reference}`);

        expectOciError(response, 404, 'MANIFEST_UNKNOWN');
        expectApiVersionHeader(response);
      });

      it('then HEAD answers 404 without a body', async () => {
        const response = await head(`/v2/${repository}/manifests/${reference}`);

        expectStatus(response, 404);
        expect(response.body).toHaveLength(0);
      });
    });
  });

  describe('pulling blobs (end-2)', () => {
    const layer = () => ociImage.layers[0]!;

    it('when a blob is fetched, then it answers 200 with its bytes, digest, length and range support', async () => {
      const blob = layer();

      const response = await get(`/v2/${repository}/blobs/${blob.digest}`);

      expectStatus(response, 200);
      expect(response.body.equals(blob.bytes)).toBe(true);
      expect(
        headersOf(
          response,
          'content-length',
          'docker-content-digest',
          'content-type',
          'accept-ranges',
          'etag',
        ),
      ).toEqual({
        'content-length': String(blob.size),
        'docker-content-digest': blob.digest,
        'content-type': 'application/octet-stream',
        'accept-ranges': 'bytes',
        etag: `"${blob.digest}"`,
      });
      expectApiVersionHeader(response);
    });

    it('when a config blob is fetched, then it answers its exact bytes', async () => {
      const response = await get(`/v2/${repository}/blobs/${ociImage.config.digest}`);

      expectStatus(response, 200);
      expect(response.text()).toBe(ociImage.config.bytes.toString());
    });

    it('when HEAD asks for a blob, then it answers 200 with its length and digest and no body', async () => {
      const blob = layer();

      const response = await head(`/v2/${repository}/blobs/${blob.digest}`);

      expectStatus(response, 200);
      expect(response.body).toHaveLength(0);
      expect(headersOf(response, 'content-length', 'docker-content-digest')).toEqual({
        'content-length': String(blob.size),
        'docker-content-digest': blob.digest,
      });
    });

    it('when an unknown blob is fetched, then it answers 404 BLOB_UNKNOWN', async () => {
      const response = await get(`/v2/${repository}/blobs/${UNKNOWN_DIGEST}`);

      expectOciError(response, 404, 'BLOB_UNKNOWN');
      expectApiVersionHeader(response);
    });

    it('when HEAD asks for an unknown blob, then it answers 404 without a body', async () => {
      const response = await head(`/v2/${repository}/blobs/${UNKNOWN_DIGEST}`);

      expectStatus(response, 404);
      expect(response.body).toHaveLength(0);
    });

    it('when a blob is fetched from a repository nobody pushed to, then it answers 404 BLOB_UNKNOWN', async () => {
      expectOciError(await get(`/v2/${emptyRepository}/blobs/${layer().digest}`), 404, 'BLOB_UNKNOWN');
    });

    it('when the digest is malformed, then it answers 400 DIGEST_INVALID', async () => {
      const response = await get(`/v2/${repository}/blobs/sha256:${'z'.repeat(64)}`);

      expectOciError(response, 400, 'DIGEST_INVALID');
      expectApiVersionHeader(response);
    });

    it('when Range asks for bytes a-b, then it answers 206 with those bytes and Content-Range a-b/size', async () => {
      const blob = layer();

      const response = await get(`/v2/${repository}/blobs/${blob.digest}`, { range: 'bytes=100-199' });

      expectStatus(response, 206);
      expect(response.body.equals(blob.bytes.subarray(100, 200))).toBe(true);
      expect(headersOf(response, 'content-range', 'content-length')).toEqual({
        'content-range': `bytes 100-199/${blob.size}`,
        'content-length': '100',
      });
    });

    it('when Range asks for the rest from an offset (a resumed pull), then it answers 206 with the tail', async () => {
      const blob = layer();

      const response = await get(`/v2/${repository}/blobs/${blob.digest}`, { range: 'bytes=1000-' });

      expectStatus(response, 206);
      expect(response.body.equals(blob.bytes.subarray(1000))).toBe(true);
      expect(response.headers.get('content-range')).toBe(`bytes 1000-${blob.size - 1}/${blob.size}`);
    });

    it('when Range starts past the end, then it answers 416 RANGE_INVALID with Content-Range bytes */size', async () => {
      const blob = layer();

      const response = await get(`/v2/${repository}/blobs/${blob.digest}`, {
        range: `bytes=${blob.size}-${blob.size + 10}`,
      });

      expectOciError(response, 416, 'RANGE_INVALID');
      expect(response.headers.get('content-range')).toBe(`bytes */${blob.size}`);
    });
  });

  describe('repository names', () => {
    it.each([
      ['upper-case letters', () => `${world.project}/Upper`],
      ['two separators in a row', () => `${world.project}/a..b`],
      ['a component ending in a separator', () => `${world.project}/trailing-`],
      ['more than 255 characters', () => `${world.project}/${'a'.repeat(256)}`],
    ])('when a name has %s, then it answers 400 NAME_INVALID', async (_case, nameOf) => {
      const name = nameOf();
      const rootToken = await world.rootToken(name);

      const response = await world.registry.send('GET', `/v2/${name}/manifests/latest`, { token: rootToken });

      expectOciError(response, 400, 'NAME_INVALID');
      expectApiVersionHeader(response);
    });
  });
});
