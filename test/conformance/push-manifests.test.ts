import { STOP_TIMEOUT_MS } from '../e2e/support/standalone';
import {
  artifactManifest,
  buildImage,
  emptyConfig,
  imageConfig,
  imageIndex,
  imageManifest,
  randomLayer,
  type Manifest,
} from './support/content';
import { startConformanceWorld, WORLD_TIMEOUT_MS, type ConformanceWorld } from './support/conformance-world';
import { expectOciError, expectStatus } from './support/oci-assertions';
import { pushBlobs, pushImage, putManifest } from './support/publish';
import { pushAssertions, type PushAssertions } from './support/push-assertions';

// OCI distribution-spec, workflow category "Push", manifests (end-7): every manifest format
// Stowage stores, by tag and by digest, tags, and the subject response header. What the registry
// refuses is in push-manifest-validation.test.ts. Runs the compiled standalone launcher:
// `pnpm run build` first.

describe('OCI conformance: push manifests', () => {
  let world: ConformanceWorld;
  let check: PushAssertions;

  beforeAll(async () => {
    world = await startConformanceWorld('push-manifests');
    check = pushAssertions(world);
  }, WORLD_TIMEOUT_MS);

  afterAll(() => world?.stop(), STOP_TIMEOUT_MS);

  /** Pushes what a manifest of each format refers to, then answers that manifest. */
  const formats: Array<[string, (repository: string, token: string) => Promise<Manifest>]> = [
    [
      'an OCI image manifest',
      async (repository, token) => {
        const image = buildImage();
        await pushBlobs(world.registry, token, repository, image.config, ...image.layers);
        return image.manifest;
      },
    ],
    [
      'a Docker schema 2 manifest',
      async (repository, token) => {
        const image = buildImage({ format: 'docker' });
        await pushBlobs(world.registry, token, repository, image.config, ...image.layers);
        return image.manifest;
      },
    ],
    [
      'an OCI image manifest without layers',
      async (repository, token) => {
        const config = imageConfig();
        await pushBlobs(world.registry, token, repository, config);
        return imageManifest({ config, layers: [] });
      },
    ],
    [
      'an OCI image manifest with an artifactType and the empty config',
      async (repository, token) => {
        const config = emptyConfig();
        const layer = randomLayer(512, 'application/vnd.example.data.v1');
        await pushBlobs(world.registry, token, repository, config, layer);
        return imageManifest({ config, layers: [layer], artifactType: 'application/vnd.example.thing.v1' });
      },
    ],
    [
      'an OCI image index',
      async (repository, token) => {
        const images = [buildImage(), buildImage()];
        for (const image of images) await pushImage(world.registry, token, repository, image);
        return imageIndex({ manifests: images.map((image) => image.manifest) });
      },
    ],
    [
      'a Docker manifest list',
      async (repository, token) => {
        const images = [buildImage({ format: 'docker' }), buildImage({ format: 'docker' })];
        for (const image of images) await pushImage(world.registry, token, repository, image);
        return imageIndex({ manifests: images.map((image) => image.manifest), format: 'docker' });
      },
    ],
    [
      'an OCI artifact manifest',
      async (repository, token) => {
        const blob = randomLayer(256, 'application/vnd.example.data.v1');
        await pushBlobs(world.registry, token, repository, blob);
        return artifactManifest({ artifactType: 'application/vnd.example.thing.v1', blobs: [blob] });
      },
    ],
  ];

  describe.each(formats)('pushing %s (end-7)', (_format, prepare) => {
    it('when it is PUT under a tag, then it answers 201 with its Location and digest and the tag serves its exact bytes', async () => {
      const { repository, token } = await world.freshRepository('by-tag');
      const manifest = await prepare(repository, token);

      const response = await putManifest(world.registry, token, repository, 'v1', manifest);

      check.expectManifestCreated(response, repository, manifest);
      await check.expectStoredManifest(repository, token, 'v1', manifest);
      await check.expectStoredManifest(repository, token, manifest.digest, manifest);
    });

    it('when it is PUT under its digest, then it answers 201 and the digest serves its exact bytes', async () => {
      const { repository, token } = await world.freshRepository('by-digest');
      const manifest = await prepare(repository, token);

      const response = await putManifest(world.registry, token, repository, manifest.digest, manifest);

      check.expectManifestCreated(response, repository, manifest);
      await check.expectStoredManifest(repository, token, manifest.digest, manifest);
    });
  });

  describe('the media type (end-7)', () => {
    it("when the PUT has no Content-Type, then the body's mediaType is the manifest's type", async () => {
      const { repository, token } = await world.freshRepository('no-content-type');
      const image = buildImage({ format: 'docker' });
      await pushBlobs(world.registry, token, repository, image.config, ...image.layers);

      const response = await world.registry.send('PUT', `/v2/${repository}/manifests/v1`, {
        token,
        body: image.manifest.bytes,
      });

      check.expectManifestCreated(response, repository, image.manifest);
      await check.expectStoredManifest(repository, token, 'v1', image.manifest);
    });
  });

  describe('tags (end-7)', () => {
    it('when a tag is pushed again with another manifest, then it moves and the first manifest stays by digest', async () => {
      const { repository, token } = await world.freshRepository('moving-tag');
      const first = buildImage();
      const second = buildImage();
      await pushImage(world.registry, token, repository, first, 'stable');
      await pushImage(world.registry, token, repository, second);

      expectStatus(await putManifest(world.registry, token, repository, 'stable', second.manifest), 201);

      await check.expectStoredManifest(repository, token, 'stable', second.manifest);
      await check.expectStoredManifest(repository, token, first.manifest.digest, first.manifest);
    });

    it('when a tag has the longest allowed form (128 characters of every allowed kind), then it is accepted', async () => {
      const { repository, token } = await world.freshRepository('long-tag');
      const image = buildImage();
      await pushImage(world.registry, token, repository, image);
      const tag = `_Az09.-${'x'.repeat(121)}`;

      expectStatus(await putManifest(world.registry, token, repository, tag, image.manifest), 201);

      await check.expectStoredManifest(repository, token, tag, image.manifest);
    });

    it.each([
      ['starts with a dash', '-dash'],
      ['starts with a dot', '.dot'],
      ['is 129 characters long', `a${'b'.repeat(128)}`],
      ['holds a character outside [A-Za-z0-9_.-]', 'with+plus'],
    ])('when a tag %s, then it answers 400 TAG_INVALID and creates nothing', async (_case, tag) => {
      const { repository, token } = await world.freshRepository('bad-tag');
      const image = buildImage();
      await pushImage(world.registry, token, repository, image);

      const response = await putManifest(world.registry, token, repository, tag, image.manifest);

      expectOciError(response, 400, 'TAG_INVALID');
    });
  });

  describe('manifests with a subject (end-7)', () => {
    it('when a manifest has a subject, then the answer carries OCI-Subject with the subject digest', async () => {
      const { repository, token } = await world.freshRepository('subject');
      const subject = buildImage();
      await pushImage(world.registry, token, repository, subject, 'app');
      const referrer = buildImage({
        subject: subject.manifest,
        artifactType: 'application/vnd.example.sbom.v1',
      });
      await pushBlobs(world.registry, token, repository, referrer.config, ...referrer.layers);

      const response = await putManifest(
        world.registry,
        token,
        repository,
        referrer.manifest.digest,
        referrer.manifest,
      );

      check.expectManifestCreated(response, repository, referrer.manifest);
      expect(response.headers.get('oci-subject')).toBe(subject.manifest.digest);
    });

    it('when an artifact manifest has a subject, then the answer carries OCI-Subject too', async () => {
      const { repository, token } = await world.freshRepository('artifact-subject');
      const subject = buildImage();
      await pushImage(world.registry, token, repository, subject, 'app');
      const blob = randomLayer(128, 'application/vnd.example.signature.v1');
      await pushBlobs(world.registry, token, repository, blob);
      const referrer = artifactManifest({
        artifactType: 'application/vnd.example.signature.v1',
        blobs: [blob],
        subject: subject.manifest,
      });

      const response = await putManifest(world.registry, token, repository, referrer.digest, referrer);

      check.expectManifestCreated(response, repository, referrer);
      expect(response.headers.get('oci-subject')).toBe(subject.manifest.digest);
    });

    it('when a manifest has no subject, then the answer carries no OCI-Subject', async () => {
      const { repository, token } = await world.freshRepository('no-subject');
      const image = buildImage();
      await pushBlobs(world.registry, token, repository, image.config, ...image.layers);

      const response = await putManifest(world.registry, token, repository, 'plain', image.manifest);

      expectStatus(response, 201);
      expect(response.headers.get('oci-subject')).toBeNull();
    });

    it('when the subject is not in the repository (yet), then the manifest is accepted all the same', async () => {
      const { repository, token } = await world.freshRepository('absent-subject');
      const absent = buildImage();
      const referrer = buildImage({
        subject: absent.manifest,
        artifactType: 'application/vnd.example.sbom.v1',
      });
      await pushBlobs(world.registry, token, repository, referrer.config, ...referrer.layers);

      const response = await putManifest(
        world.registry,
        token,
        repository,
        referrer.manifest.digest,
        referrer.manifest,
      );

      check.expectManifestCreated(response, repository, referrer.manifest);
      expect(response.headers.get('oci-subject')).toBe(absent.manifest.digest);
    });
  });
});
