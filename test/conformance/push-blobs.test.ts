import { randomBytes } from 'node:crypto';
import { STOP_TIMEOUT_MS } from '../e2e/support/standalone';
import { randomLayer, sha256, sha512 } from './support/content';
import { startConformanceWorld, WORLD_TIMEOUT_MS, type ConformanceWorld } from './support/conformance-world';
import { expectApiVersionHeader, expectOciError, expectStatus } from './support/oci-assertions';
import { pushBlob } from './support/publish';
import { pushAssertions, type PushAssertions } from './support/push-assertions';
import { streamOf } from './support/registry-client';
import { uploadsOf, type Uploads } from './support/uploads';

// OCI distribution-spec, workflow category "Push", blobs: opening an upload, monolithic uploads
// (POST then PUT, single POST) and chunked ones (PATCH with Content-Range, streamed PATCH without
// it), with their failures (end-4a, end-4b, end-5, end-6). The rest of an upload's life is in
// push-upload-sessions.test.ts. Runs the compiled standalone launcher: `pnpm run build` first.

describe('OCI conformance: push blobs', () => {
  let world: ConformanceWorld;
  let uploads: Uploads;
  let check: PushAssertions;

  beforeAll(async () => {
    world = await startConformanceWorld('push-blobs');
    uploads = uploadsOf(world);
    check = pushAssertions(world);
  }, WORLD_TIMEOUT_MS);

  afterAll(() => world?.stop(), STOP_TIMEOUT_MS);

  const getBlob = (repository: string, token: string, digest: string) =>
    world.registry.send('GET', `/v2/${repository}/blobs/${digest}`, { token });
  const pathOf = (location: string) => new URL(location, world.registry.base).pathname;

  describe('starting an upload (end-4a)', () => {
    it('when POST opens an upload, then it answers 202 with a relative Location, its id, Range 0-0 and no body', async () => {
      const { repository, token } = await world.freshRepository('start');

      const response = await world.registry.send('POST', `/v2/${repository}/blobs/uploads/`, {
        token,
        headers: { 'content-length': '0' },
      });

      check.expectUploadAnswer(response, 202, repository, '0-0');
      expect(response.headers.get('location')).toMatch(/^\//);
      expect(response.headers.get('content-length')).toBe('0');
      expectApiVersionHeader(response);
    });

    it('when two uploads are opened, then each has its own id', async () => {
      const { repository, token } = await world.freshRepository('two-uploads');

      const first = await uploads.start(repository, token);
      const second = await uploads.start(repository, token);

      expect(pathOf(first)).not.toBe(pathOf(second));
    });

    it('when the repository name breaks the grammar, then it answers 400 NAME_INVALID', async () => {
      const name = `${world.project}/Bad--Name`;
      const token = await world.rootToken(name);

      const response = await world.registry.send('POST', `/v2/${name}/blobs/uploads/`, { token });

      expectOciError(response, 400, 'NAME_INVALID');
    });
  });

  describe('monolithic upload: POST then PUT (end-4a, end-6)', () => {
    it('when the whole blob is PUT with its digest, then it answers 201 with the blob Location and the blob is pullable', async () => {
      const { repository, token } = await world.freshRepository('post-put');
      const blob = randomLayer(4096);
      const location = await uploads.start(repository, token);

      const response = await uploads.finish(location, token, blob.digest, blob.bytes);

      check.expectBlobCreated(response, repository, blob.digest);
      const pulled = await world.registry.send('GET', response.headers.get('location')!, { token });
      expectStatus(pulled, 200);
      expect(pulled.body.equals(blob.bytes)).toBe(true);
    });

    it('when an empty blob is PUT with the digest of nothing, then it is stored with length 0', async () => {
      const { repository, token } = await world.freshRepository('empty-blob');
      const empty = Buffer.alloc(0);
      const location = await uploads.start(repository, token);

      check.expectBlobCreated(
        await uploads.finish(location, token, sha256(empty), empty),
        repository,
        sha256(empty),
      );

      const response = await getBlob(repository, token, sha256(empty));
      expectStatus(response, 200);
      expect(response.headers.get('content-length')).toBe('0');
    });

    it('when a blob the repository already holds is uploaded again, then it answers 201 and keeps serving it', async () => {
      const { repository, token } = await world.freshRepository('upload-twice');
      const blob = randomLayer();
      await pushBlob(world.registry, token, repository, blob);
      const location = await uploads.start(repository, token);

      const response = await uploads.finish(location, token, blob.digest, blob.bytes);

      check.expectBlobCreated(response, repository, blob.digest);
      await check.expectStoredBlob(repository, token, blob.bytes);
    });

    it('when the digest is sha512, then the blob is stored and served under that digest', async () => {
      const { repository, token } = await world.freshRepository('sha512');
      const bytes = randomLayer(3000).bytes;
      const digest = sha512(bytes);
      const location = await uploads.start(repository, token);

      check.expectBlobCreated(await uploads.finish(location, token, digest, bytes), repository, digest);

      const response = await getBlob(repository, token, digest);
      expectStatus(response, 200);
      expect(response.body.equals(bytes)).toBe(true);
      expect(response.headers.get('docker-content-digest')).toBe(digest);
    });
  });

  describe('monolithic upload: single POST (end-4b)', () => {
    it('when POST carries the blob and its digest, then it answers 201 with the blob Location and the blob is pullable', async () => {
      const { repository, token } = await world.freshRepository('single-post');
      const blob = randomLayer(4096);

      const response = await world.registry.send(
        'POST',
        world.registry.url(`/v2/${repository}/blobs/uploads/`, { digest: blob.digest }),
        { token, headers: { 'content-type': 'application/octet-stream' }, body: blob.bytes },
      );

      check.expectBlobCreated(response, repository, blob.digest);
      await check.expectStoredBlob(repository, token, blob.bytes);
    });

    it('when the digest does not match the body, then it answers 400 DIGEST_INVALID and stores nothing', async () => {
      const { repository, token } = await world.freshRepository('single-post-mismatch');
      const blob = randomLayer(1024);
      const claimed = randomLayer(1024).digest;

      const response = await world.registry.send(
        'POST',
        world.registry.url(`/v2/${repository}/blobs/uploads/`, { digest: claimed }),
        { token, headers: { 'content-type': 'application/octet-stream' }, body: blob.bytes },
      );

      expectOciError(response, 400, 'DIGEST_INVALID');
      expect(await uploads.blobStatus(repository, token, claimed)).toBe(404);
      expect(await uploads.blobStatus(repository, token, blob.digest)).toBe(404);
    });

    it('when the digest is malformed, then it answers 400 DIGEST_INVALID', async () => {
      const { repository, token } = await world.freshRepository('single-post-malformed');

      const response = await world.registry.send(
        'POST',
        world.registry.url(`/v2/${repository}/blobs/uploads/`, { digest: 'sha256:short' }),
        { token, headers: { 'content-type': 'application/octet-stream' }, body: randomBytes(16) },
      );

      expectOciError(response, 400, 'DIGEST_INVALID');
    });
  });

  describe('chunked upload: PATCH with Content-Range (end-5, end-6)', () => {
    it('when chunks are sent in order and the upload closed with PUT, then each PATCH answers 202 with the new Range and the blob is whole', async () => {
      const { repository, token } = await world.freshRepository('chunked');
      const blob = randomBytes(3000);
      let location = await uploads.start(repository, token);

      const first = await uploads.patch(location, token, blob.subarray(0, 1000), '0-999');
      check.expectUploadAnswer(first, 202, repository, '0-999');
      location = first.headers.get('location')!;
      const second = await uploads.patch(location, token, blob.subarray(1000, 3000), '1000-2999');
      check.expectUploadAnswer(second, 202, repository, '0-2999');
      location = second.headers.get('location')!;
      const closed = await uploads.finish(location, token, sha256(blob));

      check.expectBlobCreated(closed, repository, sha256(blob));
      await check.expectStoredBlob(repository, token, blob);
    });

    it.each([
      ['without a Content-Range', undefined],
      ['with its Content-Range', '1500-2499'],
    ])(
      'when the last chunk comes with the closing PUT %s, then the blob is every chunk together',
      async (_case, range) => {
        const { repository, token } = await world.freshRepository('chunked-last-in-put');
        const blob = randomBytes(2500);
        const location = await uploads.start(repository, token);
        const first = await uploads.patch(location, token, blob.subarray(0, 1500), '0-1499');
        expectStatus(first, 202);

        const closed = await uploads.finish(
          first.headers.get('location')!,
          token,
          sha256(blob),
          blob.subarray(1500),
          range,
        );

        check.expectBlobCreated(closed, repository, sha256(blob));
        await check.expectStoredBlob(repository, token, blob);
      },
    );

    it.each([
      ['skips bytes', 1000, '1500-1999'],
      ['starts again from 0', 1000, '0-499'],
      ['overlaps the end of the last one', 1000, '900-1399'],
      ['does not start at 0 on an empty upload', 0, '10-509'],
    ])(
      'when a chunk %s, then it answers 416 and the upload keeps what it had',
      async (_case, alreadySent, range) => {
        const { repository, token } = await world.freshRepository('out-of-order');
        const blob = randomBytes(alreadySent + 500);
        let location = await uploads.start(repository, token);
        if (alreadySent > 0) {
          const first = await uploads.patch(
            location,
            token,
            blob.subarray(0, alreadySent),
            `0-${alreadySent - 1}`,
          );
          expectStatus(first, 202);
          location = first.headers.get('location')!;
        }
        const [start, end] = range.split('-').map(Number) as [number, number];

        const response = await uploads.patch(location, token, randomBytes(end - start + 1), range);

        expectOciError(response, 416, 'RANGE_INVALID');
        const status = await world.registry.send('GET', location, { token });
        check.expectUploadAnswer(status, 204, repository, `0-${Math.max(alreadySent - 1, 0)}`);
        // The upload still goes on from where it really is.
        const rest = await uploads.patch(
          location,
          token,
          blob.subarray(alreadySent),
          `${alreadySent}-${blob.length - 1}`,
        );
        expectStatus(rest, 202);
        check.expectBlobCreated(
          await uploads.finish(rest.headers.get('location')!, token, sha256(blob)),
          repository,
          sha256(blob),
        );
        await check.expectStoredBlob(repository, token, blob);
      },
    );

    it('when Content-Range promises more bytes than the body has, then it answers 400 SIZE_INVALID or 416 RANGE_INVALID', async () => {
      const { repository, token } = await world.freshRepository('range-length-mismatch');
      const location = await uploads.start(repository, token);

      const response = await uploads.patch(location, token, randomBytes(50), '0-99');

      const expected = response.status === 416 ? 'RANGE_INVALID' : 'SIZE_INVALID';
      expectOciError(response, response.status === 416 ? 416 : 400, expected);
    });
  });

  describe('chunked upload: streamed PATCH without Content-Range (end-5, end-6)', () => {
    it('when the body is PATCHed with a Content-Length and no Content-Range, then it answers 202 with Range 0-<size-1>', async () => {
      const { repository, token } = await world.freshRepository('streamed');
      const blob = randomBytes(5000);
      const location = await uploads.start(repository, token);

      const patched = await uploads.patch(location, token, blob);

      check.expectUploadAnswer(patched, 202, repository, '0-4999');
      check.expectBlobCreated(
        await uploads.finish(patched.headers.get('location')!, token, sha256(blob)),
        repository,
        sha256(blob),
      );
      await check.expectStoredBlob(repository, token, blob);
    });

    it('when the body is streamed with chunked transfer encoding (as docker does), then it is appended and the blob is whole', async () => {
      const { repository, token } = await world.freshRepository('streamed-chunked');
      const parts = [randomBytes(3000), randomBytes(7000), randomBytes(1)];
      const blob = Buffer.concat(parts);
      const location = await uploads.start(repository, token);

      const patched = await world.registry.send('PATCH', location, {
        token,
        headers: { 'content-type': 'application/octet-stream' },
        body: streamOf(parts),
      });

      check.expectUploadAnswer(patched, 202, repository, `0-${blob.length - 1}`);
      check.expectBlobCreated(
        await uploads.finish(patched.headers.get('location')!, token, sha256(blob)),
        repository,
        sha256(blob),
      );
      await check.expectStoredBlob(repository, token, blob);
    });

    it('when two streamed PATCHes follow each other, then the second is appended to the first', async () => {
      const { repository, token } = await world.freshRepository('streamed-twice');
      const blob = randomBytes(4000);
      const location = await uploads.start(repository, token);

      const first = await uploads.patch(location, token, blob.subarray(0, 1000));
      const second = await uploads.patch(first.headers.get('location')!, token, blob.subarray(1000));

      check.expectUploadAnswer(second, 202, repository, '0-3999');
      check.expectBlobCreated(
        await uploads.finish(second.headers.get('location')!, token, sha256(blob)),
        repository,
        sha256(blob),
      );
      await check.expectStoredBlob(repository, token, blob);
    });
  });
});
