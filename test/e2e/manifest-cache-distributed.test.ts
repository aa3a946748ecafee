import { digestOf } from '@stowage/oci';
import { describeWithComponents } from '@stowage/testing';
import {
  DISTRIBUTED_START_TIMEOUT_MS,
  DISTRIBUTED_STOP_TIMEOUT_MS,
  startDistributedStack,
  type DistributedStack,
} from './support/distributed-stack';
import { explainFailure } from './support/explain-failure';
import { createIdentityWorld } from './support/identity-world';
import { registryToken, v2Client, type V2Answer, type V2Client } from './support/registry-http';
import { restApi } from './support/rest-api';

// Each registry process keeps its own caches of manifests and of blob links
// (services/registry/src/caches). In distributed mode another process may move a tag, delete a
// manifest or delete a blob at any moment; this test runs two registry processes on the same
// database, bus and bucket, writes through one (A) and reads through the other (B) right after each
// write, on B's own port so that B and no other process answers, and requires B never to serve
// what the tag or digest named before.
// Runs dist/, so build first.

const TEST_TIMEOUT_MS = 120_000;
/** How many times the tag moves, each move read back at once through the other process. */
const MOVES = 20;
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';

interface Blob {
  mediaType: string;
  digest: string;
  size: number;
}

/** An image manifest over the same config and layer; `step` makes each one's bytes differ. */
function manifestFor(config: Blob, layer: Blob, step: number): { payload: Buffer; digest: string } {
  const payload = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST_TYPE,
      config,
      layers: [layer],
      annotations: { 'org.example.step': String(step) },
    }),
  );
  return { payload, digest: digestOf(payload) };
}

/** What a manifest read answered, reduced to what the test compares. */
const served = (answer: V2Answer) => ({
  status: answer.status,
  digest: answer.headers['docker-content-digest'],
  body: answer.body,
});

describeWithComponents(['postgres', 'rabbitmq'], 'the manifest cache with two registry processes', () => {
  let stack: DistributedStack | undefined;
  const running = () => {
    if (!stack) throw new Error('distributed mode was not started (see beforeAll)');
    return stack;
  };

  beforeAll(async () => {
    stack = await startDistributedStack('e2e-manifest-cache', { registries: 2 });
  }, DISTRIBUTED_START_TIMEOUT_MS);

  afterAll(() => stack?.stop(), DISTRIBUTED_STOP_TIMEOUT_MS);

  /** A new project's repository, with clients of process A, process B and the gateway for it. */
  async function clientsOnAFreshRepository(prefix: string) {
    const services = running();
    const [urlA, urlB] = services.registryUrls();
    expect(urlB).toBeDefined();
    const world = await createIdentityWorld(restApi(services.base, services.rootToken), prefix);
    const repository = `${world.projectPath}/cached`;
    const token = await registryToken(
      services.base,
      'root',
      services.rootToken,
      `repository:${repository}:pull,push,delete`,
    );
    return {
      repository,
      a: v2Client(urlA!, token),
      b: v2Client(urlB!, token),
      gateway: v2Client(services.base, token),
    };
  }

  it(
    'when process A moves a tag or deletes a manifest, then process B at once serves the new manifest or 404, never a cached older one',
    () =>
      explainFailure(
        () => stack?.describe() ?? 'distributed mode was not started',
        async () => {
          const { repository, a, b, gateway } = await clientsOnAFreshRepository('manifest-cache');
          const accept = { accept: MANIFEST_TYPE };
          const manifests = `/v2/${repository}/manifests`;

          const upload = async (mediaType: string, bytes: Buffer): Promise<Blob> => {
            const digest = digestOf(bytes);
            const answer = await a.send('POST', `/v2/${repository}/blobs/uploads/?digest=${digest}`, {
              headers: { 'content-type': 'application/octet-stream' },
              body: bytes,
            });
            expect({ status: answer.status, digest: answer.headers['docker-content-digest'] }).toEqual({
              status: 201,
              digest,
            });
            return { mediaType, digest, size: bytes.length };
          };
          const push = async (manifest: { payload: Buffer; digest: string }) => {
            const answer = await a.send('PUT', `${manifests}/t`, {
              headers: { 'content-type': MANIFEST_TYPE },
              body: manifest.payload,
            });
            expect({ status: answer.status, digest: answer.headers['docker-content-digest'] }).toEqual({
              status: 201,
              digest: manifest.digest,
            });
          };
          /** GET and HEAD of `reference` through `client`, as the test compares them. */
          const read = async (client: V2Client, reference: string) => ({
            get: served(await client.send('GET', `${manifests}/${reference}`, { headers: accept })),
            head: served(await client.send('HEAD', `${manifests}/${reference}`, { headers: accept })),
          });
          /** GET and HEAD of `reference` through `client` answer 404, the GET with MANIFEST_UNKNOWN. */
          const expectGone = async (client: V2Client, reference: string) => {
            const get = await client.send('GET', `${manifests}/${reference}`, { headers: accept });
            const head = await client.send('HEAD', `${manifests}/${reference}`, { headers: accept });
            expect({ reference, get: { status: get.status, body: get.body }, head: head.status }).toEqual({
              reference,
              get: { status: 404, body: expect.stringContaining('"MANIFEST_UNKNOWN"') },
              head: 404,
            });
          };
          const found = (manifest: { payload: Buffer; digest: string }) => ({
            get: { status: 200, digest: manifest.digest, body: manifest.payload.toString() },
            head: { status: 200, digest: manifest.digest, body: '' },
          });

          const config = await upload(
            'application/vnd.oci.image.config.v1+json',
            Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux' })),
          );
          const layer = await upload('application/vnd.oci.image.layer.v1.tar', Buffer.from('a layer'));

          // 1. B reads the first manifest by tag and by digest, so B's cache holds it.
          let current = manifestFor(config, layer, 0);
          await push(current);
          expect(await read(b, 't')).toEqual(found(current));
          expect(await read(b, current.digest)).toEqual(found(current));

          // 2. The tag moves through A; B, asked right away, names the new manifest every time.
          for (let step = 1; step <= MOVES; step += 1) {
            current = manifestFor(config, layer, step);
            await push(current);
            expect({ step, ...(await read(b, 't')) }).toEqual({ step, ...found(current) });
          }

          // 3. B reads the last manifest by digest too (its cache holds it both ways), then A
          // deletes it; B, asked right away, knows neither the digest nor the tag.
          expect(await read(b, current.digest)).toEqual(found(current));
          const deleted = await a.send('DELETE', `${manifests}/${current.digest}`);
          expect(deleted.status).toBe(202);
          for (const reference of [current.digest, 't']) await expectGone(b, reference);

          // 4. Through the gateway the same: gone by digest and by tag, the previous one still there.
          for (const reference of [current.digest, 't']) await expectGone(gateway, reference);
          const previous = manifestFor(config, layer, MOVES - 1);
          expect(await read(gateway, previous.digest)).toEqual(found(previous));
          expect(await read(b, previous.digest)).toEqual(found(previous));
        },
      ),
    TEST_TIMEOUT_MS,
  );

  it(
    'when process A deletes a blob from a repository, then process B at once answers 404 for it, never from its cache of blob links',
    () =>
      explainFailure(
        () => stack?.describe() ?? 'distributed mode was not started',
        async () => {
          const { repository, a, b } = await clientsOnAFreshRepository('blob-cache');
          const bytes = Buffer.from('a blob both processes serve, until one deletes it');
          const digest = digestOf(bytes);
          const blobUrl = `/v2/${repository}/blobs/${digest}`;
          const pushed = await a.send('POST', `/v2/${repository}/blobs/uploads/?digest=${digest}`, {
            headers: { 'content-type': 'application/octet-stream' },
            body: bytes,
          });
          expect(pushed.status).toBe(201);

          // B serves it twice (the second time from its cache), then A deletes it.
          for (let read = 0; read < 2; read += 1) {
            const get = await b.send('GET', blobUrl);
            expect({ status: get.status, body: get.body }).toEqual({ status: 200, body: bytes.toString() });
          }
          expect((await b.send('HEAD', blobUrl)).status).toBe(200);
          expect((await a.send('DELETE', blobUrl)).status).toBe(202);

          const get = await b.send('GET', blobUrl);
          expect({
            get: { status: get.status, body: get.body },
            head: (await b.send('HEAD', blobUrl)).status,
          }).toEqual({
            get: { status: 404, body: expect.stringContaining('"BLOB_UNKNOWN"') },
            head: 404,
          });
        },
      ),
    TEST_TIMEOUT_MS,
  );
});
