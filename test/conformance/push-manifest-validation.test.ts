import { STOP_TIMEOUT_MS } from '../e2e/support/standalone';
import {
  artifactManifest,
  buildImage,
  imageConfig,
  imageIndex,
  imageManifest,
  MEDIA_TYPE,
  randomLayer,
  rawManifest,
  serialize,
  type Content,
  type Manifest,
} from './support/content';
import { startConformanceWorld, WORLD_TIMEOUT_MS, type ConformanceWorld } from './support/conformance-world';
import { expectOciError } from './support/oci-assertions';
import { pushBlobs, pushImage, putManifest } from './support/publish';
import { pushAssertions, type PushAssertions } from './support/push-assertions';
import type { RegistryResponse } from './support/registry-client';

// OCI distribution-spec, workflow category "Push", manifests refused (end-7 failures): blobs or
// child manifests the repository does not hold, bodies that are no manifest Stowage stores,
// digests that do not match, and the 4 MiB size limit. Runs the compiled standalone launcher:
// `pnpm run build` first.

const MANIFEST_LIMIT = 4 * 1024 * 1024;

describe('OCI conformance: push manifest validation', () => {
  let world: ConformanceWorld;
  let check: PushAssertions;

  beforeAll(async () => {
    world = await startConformanceWorld('push-validation');
    check = pushAssertions(world);
  }, WORLD_TIMEOUT_MS);

  afterAll(() => world?.stop(), STOP_TIMEOUT_MS);

  const getManifest = (repository: string, token: string, reference: string) =>
    world.registry.send('GET', `/v2/${repository}/manifests/${reference}`, { token });

  describe('manifests naming blobs the repository does not hold (end-7 failures)', () => {
    /** 400 MANIFEST_BLOB_UNKNOWN whose detail names `digest`, and nothing stored under `tag`. */
    const expectBlobUnknown = async (
      response: RegistryResponse,
      digest: string,
      repository: string,
      token: string,
      tag: string,
    ) => {
      expectOciError(response, 400, 'MANIFEST_BLOB_UNKNOWN');
      const { errors } = response.json<{ errors: Array<{ code: string; detail?: unknown }> }>();
      const error = errors.find((each) => each.code === 'MANIFEST_BLOB_UNKNOWN');
      expect(JSON.stringify(error?.detail ?? null)).toContain(digest);
      expectOciError(await getManifest(repository, token, tag), 404, 'MANIFEST_UNKNOWN');
    };

    it('when the config was never pushed, then it answers 400 MANIFEST_BLOB_UNKNOWN naming the config', async () => {
      const { repository, token } = await world.freshRepository('no-config');
      const image = buildImage();
      await pushBlobs(world.registry, token, repository, ...image.layers);

      const response = await putManifest(world.registry, token, repository, 'v1', image.manifest);

      await expectBlobUnknown(response, image.config.digest, repository, token, 'v1');
    });

    it('when a layer was never pushed, then it answers 400 MANIFEST_BLOB_UNKNOWN naming the layer', async () => {
      const { repository, token } = await world.freshRepository('no-layer');
      const image = buildImage({ layerCount: 2 });
      await pushBlobs(world.registry, token, repository, image.config, image.layers[0]!);

      const response = await putManifest(world.registry, token, repository, 'v1', image.manifest);

      await expectBlobUnknown(response, image.layers[1]!.digest, repository, token, 'v1');
    });

    it('when the blobs were pushed to another repository only, then it answers 400 MANIFEST_BLOB_UNKNOWN', async () => {
      const here = world.repository('blobs-missing-here');
      const there = world.repository('blobs-there');
      const token = await world.rootToken(here, there);
      const image = buildImage({ layerCount: 1 });
      await pushBlobs(world.registry, token, there, image.config, ...image.layers);

      const response = await putManifest(world.registry, token, here, 'v1', image.manifest);

      await expectBlobUnknown(response, image.config.digest, here, token, 'v1');
    });

    it('when an index names a manifest pushed to another repository only, then it answers 400 MANIFEST_BLOB_UNKNOWN naming it', async () => {
      const here = world.repository('index-here');
      const there = world.repository('child-there');
      const token = await world.rootToken(here, there);
      const local = buildImage();
      const foreign = buildImage();
      await pushImage(world.registry, token, here, local);
      await pushImage(world.registry, token, there, foreign);
      // The foreign child's blobs are here too: only the manifest itself is missing.
      await pushBlobs(world.registry, token, here, foreign.config, ...foreign.layers);
      const index = imageIndex({ manifests: [local.manifest, foreign.manifest] });

      const response = await putManifest(world.registry, token, here, 'multi', index);

      await expectBlobUnknown(response, foreign.manifest.digest, here, token, 'multi');
    });

    it('when an index names a manifest nobody pushed, then it answers 400 MANIFEST_BLOB_UNKNOWN', async () => {
      const { repository, token } = await world.freshRepository('index-child-missing');
      const absent = buildImage();
      const index = imageIndex({ manifests: [absent.manifest] });

      const response = await putManifest(world.registry, token, repository, 'multi', index);

      await expectBlobUnknown(response, absent.manifest.digest, repository, token, 'multi');
    });

    it("when an artifact manifest's blob was never pushed, then it answers 400 MANIFEST_BLOB_UNKNOWN", async () => {
      const { repository, token } = await world.freshRepository('artifact-blob-missing');
      const blob = randomLayer(64, 'application/vnd.example.data.v1');
      const artifact = artifactManifest({ artifactType: 'application/vnd.example.thing.v1', blobs: [blob] });

      const response = await putManifest(world.registry, token, repository, 'v1', artifact);

      await expectBlobUnknown(response, blob.digest, repository, token, 'v1');
    });
  });

  describe('invalid manifests (end-7 failures)', () => {
    /** A repository holding one image's blobs, and a valid manifest for them. */
    const prepared = async (label: string) => {
      const { repository, token } = await world.freshRepository(label);
      const image = buildImage({ layerCount: 1 });
      await pushBlobs(world.registry, token, repository, image.config, ...image.layers);
      return { repository, token, image };
    };

    it('when the body is not JSON, then it answers 400 MANIFEST_INVALID', async () => {
      const { repository, token } = await world.freshRepository('not-json');

      const response = await putManifest(
        world.registry,
        token,
        repository,
        'v1',
        rawManifest('{"schemaVersion": 2, "mediaType": ', MEDIA_TYPE.ociManifest),
      );

      expectOciError(response, 400, 'MANIFEST_INVALID');
    });

    it("when the Content-Type disagrees with the body's mediaType, then it answers 400 MANIFEST_INVALID", async () => {
      const { repository, token, image } = await prepared('type-mismatch');

      const response = await putManifest(
        world.registry,
        token,
        repository,
        'v1',
        rawManifest(image.manifest.bytes, MEDIA_TYPE.dockerManifest),
      );

      expectOciError(response, 400, 'MANIFEST_INVALID');
    });

    it('when the media type is none the registry stores, then it answers 400 MANIFEST_INVALID', async () => {
      const { repository, token, image } = await prepared('unknown-type');
      const { mediaType: _dropped, ...untyped } = image.manifest.json;

      const response = await putManifest(
        world.registry,
        token,
        repository,
        'v1',
        rawManifest(serialize(untyped), 'application/vnd.example.unknown.manifest+json'),
      );

      expectOciError(response, 400, 'MANIFEST_INVALID');
    });

    it('when the manifest is Docker schema 1, then it answers 400 MANIFEST_INVALID', async () => {
      const { repository, token, image } = await prepared('schema1');
      const schema1 = {
        schemaVersion: 1,
        name: repository,
        tag: 'v1',
        architecture: 'amd64',
        fsLayers: image.layers.map((layer) => ({ blobSum: layer.digest })),
        history: image.layers.map(() => ({ v1Compatibility: '{}' })),
        signatures: [],
      };

      const response = await putManifest(
        world.registry,
        token,
        repository,
        'v1',
        rawManifest(serialize(schema1), MEDIA_TYPE.dockerSchema1Signed),
      );

      expectOciError(response, 400, 'MANIFEST_INVALID');
    });

    it('when an image manifest has no config, then it answers 400 MANIFEST_INVALID', async () => {
      const { repository, token, image } = await prepared('no-config-field');
      const { config: _dropped, ...withoutConfig } = image.manifest.json;

      const response = await putManifest(
        world.registry,
        token,
        repository,
        'v1',
        rawManifest(serialize(withoutConfig), MEDIA_TYPE.ociManifest),
      );

      expectOciError(response, 400, 'MANIFEST_INVALID');
    });

    it('when it is PUT under a digest its bytes do not have, then it answers 400 DIGEST_INVALID', async () => {
      const { repository, token, image } = await prepared('wrong-digest');
      const other = buildImage().manifest.digest;

      const response = await putManifest(world.registry, token, repository, other, image.manifest);

      expectOciError(response, 400, 'DIGEST_INVALID');
      expectOciError(await getManifest(repository, token, image.manifest.digest), 404, 'MANIFEST_UNKNOWN');
    });

    it('when it is PUT under a malformed digest, then it answers 400 DIGEST_INVALID', async () => {
      const { repository, token, image } = await prepared('malformed-digest');

      const response = await putManifest(world.registry, token, repository, 'sha256:0123', image.manifest);

      expectOciError(response, 400, 'DIGEST_INVALID');
    });

    it('when the repository name breaks the grammar, then it answers 400 NAME_INVALID', async () => {
      const name = `${world.project}/UPPER`;
      const token = await world.rootToken(name);

      const response = await putManifest(world.registry, token, name, 'v1', buildImage().manifest);

      expectOciError(response, 400, 'NAME_INVALID');
    });
  });

  describe('the size limit of 4 MiB (end-7)', () => {
    /** An image manifest of exactly `size` bytes, padded with an annotation. */
    const manifestOfSize = (config: Content, layer: Content, size: number): Manifest => {
      const base = imageManifest({ config, layers: [layer], annotations: { padding: '' } });
      return imageManifest({
        config,
        layers: [layer],
        annotations: { padding: 'x'.repeat(size - base.size) },
      });
    };

    it('when a manifest is exactly 4 MiB, then it is accepted', async () => {
      const { repository, token } = await world.freshRepository('at-limit');
      const config = imageConfig();
      const layer = randomLayer();
      await pushBlobs(world.registry, token, repository, config, layer);
      const manifest = manifestOfSize(config, layer, MANIFEST_LIMIT);
      expect(manifest.size).toBe(MANIFEST_LIMIT);

      const response = await putManifest(world.registry, token, repository, 'big', manifest);

      check.expectManifestCreated(response, repository, manifest);
      await check.expectStoredManifest(repository, token, 'big', manifest);
    });

    it('when a manifest is one byte over 4 MiB, then it answers 413 SIZE_INVALID and stores nothing', async () => {
      const { repository, token } = await world.freshRepository('over-limit');
      const config = imageConfig();
      const layer = randomLayer();
      await pushBlobs(world.registry, token, repository, config, layer);
      const manifest = manifestOfSize(config, layer, MANIFEST_LIMIT + 1);
      expect(manifest.size).toBe(MANIFEST_LIMIT + 1);

      const response = await putManifest(world.registry, token, repository, 'too-big', manifest);

      expectOciError(response, 413, 'SIZE_INVALID');
      expectOciError(await getManifest(repository, token, 'too-big'), 404, 'MANIFEST_UNKNOWN');
    });
  });
});
