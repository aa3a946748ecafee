import { randomBytes, randomUUID } from 'node:crypto';
import { basicAuth, type Credential } from '../e2e/support/identity-world';
import { STOP_TIMEOUT_MS } from '../e2e/support/standalone';
import { randomLayer, sha256 } from './support/content';
import {
  repositoryScope,
  startConformanceWorld,
  WORLD_TIMEOUT_MS,
  type ConformanceWorld,
} from './support/conformance-world';
import { expectOciError, expectStatus, parseChallenge } from './support/oci-assertions';
import { pushBlob } from './support/publish';
import { pushAssertions, type PushAssertions } from './support/push-assertions';
import type { RegistryResponse } from './support/registry-client';
import { uploadsOf, type Uploads } from './support/uploads';

// OCI distribution-spec, workflow category "Push", the life of a blob upload after it opened:
// its status, closing it wrongly, cancelling it, ids that name no upload (or another repository's),
// and cross-repository mounts (end-6 failures, end-11, end-13, end-14). Runs the compiled
// standalone launcher: `pnpm run build` first.

describe('OCI conformance: push upload sessions', () => {
  let world: ConformanceWorld;
  let uploads: Uploads;
  let check: PushAssertions;

  beforeAll(async () => {
    world = await startConformanceWorld('push-uploads');
    uploads = uploadsOf(world);
    check = pushAssertions(world);
  }, WORLD_TIMEOUT_MS);

  afterAll(() => world?.stop(), STOP_TIMEOUT_MS);

  const pathOf = (location: string) => new URL(location, world.registry.base).pathname;

  describe('upload status (end-13)', () => {
    it('when a new upload is asked about, then it answers 204 with its Location, id and Range 0-0', async () => {
      const { repository, token } = await world.freshRepository('status-new');
      const location = await uploads.start(repository, token);

      const response = await world.registry.send('GET', location, { token });

      check.expectUploadAnswer(response, 204, repository, '0-0');
      expect(response.body).toHaveLength(0);
    });

    it('when an upload holding 1234 bytes is asked about, then it answers Range 0-1233', async () => {
      const { repository, token } = await world.freshRepository('status-partial');
      const location = await uploads.start(repository, token);
      const patched = await uploads.patch(location, token, randomBytes(1234), '0-1233');
      expectStatus(patched, 202);

      const response = await world.registry.send('GET', patched.headers.get('location')!, { token });

      check.expectUploadAnswer(response, 204, repository, '0-1233');
    });
  });

  describe('closing an upload: failures (end-6)', () => {
    it('when PUT has no digest, then it answers 400 DIGEST_INVALID', async () => {
      const { repository, token } = await world.freshRepository('put-no-digest');
      const location = await uploads.start(repository, token);

      expectOciError(
        await uploads.finish(location, token, undefined, randomBytes(64)),
        400,
        'DIGEST_INVALID',
      );
    });

    it('when PUT names a malformed digest, then it answers 400 DIGEST_INVALID', async () => {
      const { repository, token } = await world.freshRepository('put-malformed-digest');
      const location = await uploads.start(repository, token);

      expectOciError(
        await uploads.finish(location, token, 'sha256:xyz', randomBytes(64)),
        400,
        'DIGEST_INVALID',
      );
    });

    it('when PUT names a digest the data does not have, then it answers 400 DIGEST_INVALID, stores nothing and ends the upload', async () => {
      const { repository, token } = await world.freshRepository('put-mismatch');
      const blob = randomBytes(2048);
      const claimed = randomLayer().digest;
      const location = await uploads.start(repository, token);

      const response = await uploads.finish(location, token, claimed, blob);

      expectOciError(response, 400, 'DIGEST_INVALID');
      expect(await uploads.blobStatus(repository, token, claimed)).toBe(404);
      expect(await uploads.blobStatus(repository, token, sha256(blob))).toBe(404);
      expectOciError(await world.registry.send('GET', location, { token }), 404, 'BLOB_UPLOAD_UNKNOWN');
    });
  });

  describe('cancelling an upload (end-14)', () => {
    it('when DELETE cancels an upload, then it answers 204 and the upload is gone for GET, PATCH, PUT and DELETE', async () => {
      const { repository, token } = await world.freshRepository('cancel');
      const location = await uploads.start(repository, token);
      const blob = randomBytes(100);

      const response = await world.registry.send('DELETE', location, { token });

      expectStatus(response, 204);
      expectOciError(await world.registry.send('GET', location, { token }), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectOciError(await uploads.patch(location, token, blob, '0-99'), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectOciError(await uploads.finish(location, token, sha256(blob), blob), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectOciError(await world.registry.send('DELETE', location, { token }), 404, 'BLOB_UPLOAD_UNKNOWN');
      expect(await uploads.blobStatus(repository, token, sha256(blob))).toBe(404);
    });
  });

  describe('uploads that do not exist', () => {
    it.each(['GET', 'PATCH', 'PUT', 'DELETE'])(
      'when %s names an upload id nobody was given, then it answers 404 BLOB_UPLOAD_UNKNOWN',
      async (method) => {
        const { repository, token } = await world.freshRepository('unknown-upload');
        const blob = randomBytes(10);
        const location = `/v2/${repository}/blobs/uploads/${randomUUID()}`;
        const target = method === 'PUT' ? world.registry.url(location, { digest: sha256(blob) }) : location;

        const response = await world.registry.send(method, target, {
          token,
          ...(method === 'PATCH' || method === 'PUT' ? { body: blob } : {}),
        });

        expectOciError(response, 404, 'BLOB_UPLOAD_UNKNOWN');
      },
    );

    it('when a finished upload is used again, then it answers 404 BLOB_UPLOAD_UNKNOWN', async () => {
      const { repository, token } = await world.freshRepository('finished-upload');
      const blob = randomBytes(100);
      const location = await uploads.start(repository, token);
      expectStatus(await uploads.finish(location, token, sha256(blob), blob), 201);

      expectOciError(await world.registry.send('GET', location, { token }), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectOciError(await uploads.patch(location, token, blob), 404, 'BLOB_UPLOAD_UNKNOWN');
    });

    it("when repository A's upload id is used under repository B, then it answers 404 BLOB_UPLOAD_UNKNOWN and A's upload goes on", async () => {
      const a = world.repository('upload-owner');
      const b = world.repository('upload-thief');
      const token = await world.rootToken(a, b);
      const blob = randomBytes(300);
      const location = await uploads.start(a, token);
      const uuid = pathOf(location).split('/').pop()!;
      const stolen = `/v2/${b}/blobs/uploads/${uuid}`;

      expectOciError(await world.registry.send('GET', stolen, { token }), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectOciError(await uploads.patch(stolen, token, blob), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectOciError(await uploads.finish(stolen, token, sha256(blob), blob), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectOciError(await world.registry.send('DELETE', stolen, { token }), 404, 'BLOB_UPLOAD_UNKNOWN');
      expect(await uploads.blobStatus(b, token, sha256(blob))).toBe(404);

      check.expectBlobCreated(await uploads.finish(location, token, sha256(blob), blob), a, sha256(blob));
    });
  });

  describe('mounting a blob from another repository (end-11)', () => {
    const mount = (target: string, token: string | undefined, digest: string, from?: string) =>
      world.registry.send(
        'POST',
        world.registry.url(`/v2/${target}/blobs/uploads/`, { mount: digest, ...(from ? { from } : {}) }),
        { token },
      );

    it('when the token may pull the source and the blob is there, then it answers 201 and the blob is in the target', async () => {
      const source = world.repository('mount-source', world.otherProject);
      const target = world.repository('mount-target');
      const token = await world.rootToken(source, target);
      const blob = randomLayer();
      await pushBlob(world.registry, token, source, blob);

      const response = await mount(target, token, blob.digest, source);

      check.expectBlobCreated(response, target, blob.digest);
      await check.expectStoredBlob(target, token, blob.bytes);
    });

    it('when the token may not pull the source, then it answers 202 with a new upload and mounts nothing', async () => {
      const source = world.repository('private-source', world.otherProject);
      const target = world.repository('developer-target');
      const rootToken = await world.rootToken(source, target);
      const blob = randomLayer();
      await pushBlob(world.registry, rootToken, source, blob);
      // The developer is a member of the project only; the other project is closed to them.
      const token = await world.token(
        world.developer,
        repositoryScope(target, 'pull,push'),
        repositoryScope(source, 'pull'),
      );

      const response = await mount(target, token, blob.digest, source);

      check.expectUploadAnswer(response, 202, target, '0-0');
      expect(await uploads.blobStatus(target, rootToken, blob.digest)).toBe(404);
      // The upload it opened is an ordinary one: the client uploads the blob itself.
      const uploaded = await uploads.finish(
        response.headers.get('location')!,
        token,
        blob.digest,
        blob.bytes,
      );
      check.expectBlobCreated(uploaded, target, blob.digest);
    });

    it('when the source does not hold the blob, then it answers 202 with a new upload', async () => {
      const source = world.repository('empty-source');
      const target = world.repository('mount-nothing');
      const token = await world.rootToken(source, target);
      const elsewhere = world.repository('blob-elsewhere');
      const blob = randomLayer();
      await pushBlob(world.registry, await world.rootToken(elsewhere), elsewhere, blob);

      const response = await mount(target, token, blob.digest, source);

      check.expectUploadAnswer(response, 202, target, '0-0');
      expect(await uploads.blobStatus(target, token, blob.digest)).toBe(404);
    });

    /**
     * What a client does with a 401 (containerd's token fetch): reads realm, service and scope from
     * the challenge, splits the scope on spaces, and asks the realm for a token with Basic
     * credentials and one `scope` parameter per scope. Nothing of the test's own knowledge goes in.
     */
    const followChallenge = async (refused: RegistryResponse, credential: Credential): Promise<string> => {
      expectStatus(refused, 401);
      const { scheme, params } = parseChallenge(refused.headers.get('www-authenticate'));
      expect(scheme).toBe('Bearer');
      const query = new URLSearchParams({ service: params.service! });
      for (const scope of params.scope!.split(' ')) query.append('scope', scope);
      const issued = await fetch(`${params.realm}?${query}`, {
        headers: { authorization: basicAuth(credential.username, credential.secret) },
      });
      expect(issued.status).toBe(200);
      return ((await issued.json()) as { token: string }).token;
    };

    /** A blob root pushed to a new repository of the other project, which only root reaches. */
    const blobInOtherProject = async (label: string) => {
      const source = world.repository(label, world.otherProject);
      const blob = randomLayer();
      await pushBlob(world.registry, await world.rootToken(source), source, blob);
      return { source, blob };
    };

    it('when a client without a token follows the challenge of a mount, then the token it gets mounts the blob (201)', async () => {
      const { source, blob } = await blobInOtherProject('challenged-source');
      const target = world.repository('challenged-target');

      const refused = await mount(target, undefined, blob.digest, source);
      // One scope parameter, space-separated, as distribution's token auth writes it.
      expect(parseChallenge(refused.headers.get('www-authenticate')).params.scope).toBe(
        `${repositoryScope(target, 'pull,push')} ${repositoryScope(source, 'pull')}`,
      );
      const token = await followChallenge(refused, world.root);
      const response = await mount(target, token, blob.digest, source);

      check.expectBlobCreated(response, target, blob.digest);
      await check.expectStoredBlob(target, token, blob.bytes);
    });

    it('when the client following the challenge may push here but not pull the source, then it gets a new upload (202)', async () => {
      const { source, blob } = await blobInOtherProject('closed-source');
      const target = world.repository('open-target');

      const refused = await mount(target, undefined, blob.digest, source);
      // The developer is a member of the project only; the other project is closed to them.
      const token = await followChallenge(refused, world.developer);
      const response = await mount(target, token, blob.digest, source);

      check.expectUploadAnswer(response, 202, target, '0-0');
      expect(await uploads.blobStatus(target, await world.rootToken(target), blob.digest)).toBe(404);
    });

    it('when the token may not push to the target, then the insufficient_scope challenge names the source too', async () => {
      const source = world.repository('scoped-source', world.otherProject);
      const target = world.repository('reporter-target');
      const token = await world.token(world.reporter, repositoryScope(target, 'pull'));

      const response = await mount(target, token, `sha256:${'0'.repeat(64)}`, source);

      expectOciError(response, 401, 'UNAUTHORIZED');
      expect(parseChallenge(response.headers.get('www-authenticate')).params).toMatchObject({
        scope: `${repositoryScope(target, 'pull,push')} ${repositoryScope(source, 'pull')}`,
        error: 'insufficient_scope',
      });
    });

    it('when `from` is missing, then it answers 202 with a new upload', async () => {
      const source = world.repository('unnamed-source');
      const target = world.repository('mount-without-from');
      const token = await world.rootToken(source, target);
      const blob = randomLayer();
      await pushBlob(world.registry, token, source, blob);

      const response = await mount(target, token, blob.digest);

      check.expectUploadAnswer(response, 202, target, '0-0');
      expect(await uploads.blobStatus(target, token, blob.digest)).toBe(404);
    });
  });
});
