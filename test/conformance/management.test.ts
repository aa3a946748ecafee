import { STOP_TIMEOUT_MS } from '../e2e/support/standalone';
import { buildImage, randomLayer, type Descriptor } from './support/content';
import { startConformanceWorld, WORLD_TIMEOUT_MS, type ConformanceWorld } from './support/conformance-world';
import { expectOciError, expectStatus } from './support/oci-assertions';
import { pushBlob, pushImage, putManifest } from './support/publish';

// OCI distribution-spec, workflow category "Content Management": deleting tags and manifests
// (end-9) and blobs (end-10), what remains readable afterwards, and what answers 404. Runs the
// compiled standalone launcher: `pnpm run build` first.

const UNKNOWN_DIGEST = `sha256:${'f'.repeat(64)}`;

describe('OCI conformance: content management', () => {
  let world: ConformanceWorld;

  beforeAll(async () => {
    world = await startConformanceWorld('management');
  }, WORLD_TIMEOUT_MS);

  afterAll(() => world?.stop(), STOP_TIMEOUT_MS);

  const send = (method: string, path: string, token: string) => world.registry.send(method, path, { token });
  const tagsOf = async (repository: string, token: string) => {
    const response = await send('GET', `/v2/${repository}/tags/list`, token);
    expectStatus(response, 200);
    return response.json<{ tags: string[] }>().tags;
  };

  describe('deleting tags (end-9)', () => {
    it('when a tag is deleted, then it answers 202, the tag is gone and the manifest stays by digest and other tags', async () => {
      const { repository, token } = await world.freshRepository('delete-tag');
      const image = buildImage();
      await pushImage(world.registry, token, repository, image, 'one', 'two');

      const response = await send('DELETE', `/v2/${repository}/manifests/one`, token);

      expectStatus(response, 202);
      expectOciError(await send('GET', `/v2/${repository}/manifests/one`, token), 404, 'MANIFEST_UNKNOWN');
      expectStatus(await send('HEAD', `/v2/${repository}/manifests/one`, token), 404);
      expectStatus(await send('GET', `/v2/${repository}/manifests/${image.manifest.digest}`, token), 200);
      expectStatus(await send('GET', `/v2/${repository}/manifests/two`, token), 200);
      expect(await tagsOf(repository, token)).toEqual(['two']);
    });

    it('when a tag nobody pushed is deleted, then it answers 404 MANIFEST_UNKNOWN', async () => {
      const { repository, token } = await world.freshRepository('delete-unknown-tag');
      await pushImage(world.registry, token, repository, buildImage(), 'present');

      expectOciError(
        await send('DELETE', `/v2/${repository}/manifests/absent`, token),
        404,
        'MANIFEST_UNKNOWN',
      );
    });
  });

  describe('deleting manifests (end-9)', () => {
    it('when a manifest is deleted by digest, then it answers 202 and the manifest and all its tags are gone', async () => {
      const { repository, token } = await world.freshRepository('delete-manifest');
      const image = buildImage();
      const kept = buildImage();
      await pushImage(world.registry, token, repository, image, 'a', 'b');
      await pushImage(world.registry, token, repository, kept, 'keep');

      const response = await send('DELETE', `/v2/${repository}/manifests/${image.manifest.digest}`, token);

      expectStatus(response, 202);
      for (const reference of [image.manifest.digest, 'a', 'b']) {
        expectOciError(
          await send('GET', `/v2/${repository}/manifests/${reference}`, token),
          404,
          'MANIFEST_UNKNOWN',
        );
        expectStatus(await send('HEAD', `/v2/${repository}/manifests/${reference}`, token), 404);
      }
      expect(await tagsOf(repository, token)).toEqual(['keep']);
      expectStatus(await send('GET', `/v2/${repository}/manifests/keep`, token), 200);
    });

    it('when a deleted manifest is deleted again, then it answers 404 MANIFEST_UNKNOWN', async () => {
      const { repository, token } = await world.freshRepository('delete-twice');
      const image = buildImage();
      await pushImage(world.registry, token, repository, image, 'v1');
      expectStatus(await send('DELETE', `/v2/${repository}/manifests/${image.manifest.digest}`, token), 202);

      const response = await send('DELETE', `/v2/${repository}/manifests/${image.manifest.digest}`, token);

      expectOciError(response, 404, 'MANIFEST_UNKNOWN');
    });

    it('when a digest nobody pushed is deleted, then it answers 404 MANIFEST_UNKNOWN', async () => {
      const { repository, token } = await world.freshRepository('delete-unknown-manifest');
      await pushImage(world.registry, token, repository, buildImage(), 'v1');

      expectOciError(
        await send('DELETE', `/v2/${repository}/manifests/${UNKNOWN_DIGEST}`, token),
        404,
        'MANIFEST_UNKNOWN',
      );
    });

    it('when a manifest is deleted from a repository nobody pushed to, then it answers 404', async () => {
      const { repository, token } = await world.freshRepository('delete-in-empty');

      expectOciError(
        await send('DELETE', `/v2/${repository}/manifests/${UNKNOWN_DIGEST}`, token),
        404,
        'MANIFEST_UNKNOWN',
      );
    });

    it('when a deleted manifest is pushed again, then it is served again', async () => {
      const { repository, token } = await world.freshRepository('push-after-delete');
      const image = buildImage();
      await pushImage(world.registry, token, repository, image, 'v1');
      expectStatus(await send('DELETE', `/v2/${repository}/manifests/${image.manifest.digest}`, token), 202);

      expectStatus(await putManifest(world.registry, token, repository, 'v1', image.manifest), 201);

      const response = await send('GET', `/v2/${repository}/manifests/v1`, token);
      expectStatus(response, 200);
      expect(response.text()).toBe(image.manifest.bytes.toString());
    });

    it('when the same manifest is in two repositories and deleted from one, then the other still serves it', async () => {
      const a = world.repository('shared-a');
      const b = world.repository('shared-b');
      const token = await world.rootToken(a, b);
      const image = buildImage();
      await pushImage(world.registry, token, a, image, 'v1');
      await pushImage(world.registry, token, b, image, 'v1');

      expectStatus(await send('DELETE', `/v2/${a}/manifests/${image.manifest.digest}`, token), 202);

      expectStatus(await send('GET', `/v2/${b}/manifests/v1`, token), 200);
      expectStatus(await send('GET', `/v2/${b}/manifests/${image.manifest.digest}`, token), 200);
    });

    it("when a referrer is deleted, then it leaves its subject's referrers list", async () => {
      const { repository, token } = await world.freshRepository('delete-referrer');
      const subject = buildImage();
      await pushImage(world.registry, token, repository, subject, 'app');
      const kept = buildImage({ subject: subject.manifest, artifactType: 'application/vnd.example.sbom.v1' });
      const deleted = buildImage({
        subject: subject.manifest,
        artifactType: 'application/vnd.example.sig.v1',
      });
      await pushImage(world.registry, token, repository, kept);
      await pushImage(world.registry, token, repository, deleted);

      expectStatus(
        await send('DELETE', `/v2/${repository}/manifests/${deleted.manifest.digest}`, token),
        202,
      );

      const response = await send('GET', `/v2/${repository}/referrers/${subject.manifest.digest}`, token);
      expectStatus(response, 200);
      const { manifests } = response.json<{ manifests: Descriptor[] }>();
      expect(manifests.map((each) => each.digest)).toEqual([kept.manifest.digest]);
    });
  });

  describe('deleting blobs (end-10)', () => {
    it('when a blob is deleted, then it answers 202 and GET and HEAD answer 404 BLOB_UNKNOWN', async () => {
      const { repository, token } = await world.freshRepository('delete-blob');
      const blob = randomLayer();
      await pushBlob(world.registry, token, repository, blob);

      const response = await send('DELETE', `/v2/${repository}/blobs/${blob.digest}`, token);

      expectStatus(response, 202);
      expectOciError(await send('GET', `/v2/${repository}/blobs/${blob.digest}`, token), 404, 'BLOB_UNKNOWN');
      expectStatus(await send('HEAD', `/v2/${repository}/blobs/${blob.digest}`, token), 404);
    });

    it('when a deleted blob is deleted again, then it answers 404 BLOB_UNKNOWN', async () => {
      const { repository, token } = await world.freshRepository('delete-blob-twice');
      const blob = randomLayer();
      await pushBlob(world.registry, token, repository, blob);
      expectStatus(await send('DELETE', `/v2/${repository}/blobs/${blob.digest}`, token), 202);

      expectOciError(
        await send('DELETE', `/v2/${repository}/blobs/${blob.digest}`, token),
        404,
        'BLOB_UNKNOWN',
      );
    });

    it('when a blob nobody pushed is deleted, then it answers 404 BLOB_UNKNOWN', async () => {
      const { repository, token } = await world.freshRepository('delete-unknown-blob');
      await pushBlob(world.registry, token, repository, randomLayer());

      expectOciError(
        await send('DELETE', `/v2/${repository}/blobs/${UNKNOWN_DIGEST}`, token),
        404,
        'BLOB_UNKNOWN',
      );
    });

    it('when the digest is malformed, then it answers 400 DIGEST_INVALID', async () => {
      const { repository, token } = await world.freshRepository('delete-malformed');

      expectOciError(
        await send('DELETE', `/v2/${repository}/blobs/sha256:1234`, token),
        400,
        'DIGEST_INVALID',
      );
    });

    it('when a blob in two repositories is deleted from one, then only that repository loses it', async () => {
      const a = world.repository('blob-a');
      const b = world.repository('blob-b');
      const token = await world.rootToken(a, b);
      const blob = randomLayer();
      await pushBlob(world.registry, token, a, blob);
      await pushBlob(world.registry, token, b, blob);

      expectStatus(await send('DELETE', `/v2/${a}/blobs/${blob.digest}`, token), 202);

      expectStatus(await send('GET', `/v2/${a}/blobs/${blob.digest}`, token), 404);
      const kept = await send('GET', `/v2/${b}/blobs/${blob.digest}`, token);
      expectStatus(kept, 200);
      expect(kept.body.equals(blob.bytes)).toBe(true);
    });

    it('when a deleted blob is uploaded again, then it is served again', async () => {
      const { repository, token } = await world.freshRepository('upload-after-delete');
      const blob = randomLayer();
      await pushBlob(world.registry, token, repository, blob);
      expectStatus(await send('DELETE', `/v2/${repository}/blobs/${blob.digest}`, token), 202);

      await pushBlob(world.registry, token, repository, blob);

      const response = await send('GET', `/v2/${repository}/blobs/${blob.digest}`, token);
      expectStatus(response, 200);
      expect(response.body.equals(blob.bytes)).toBe(true);
    });
  });
});
