import { createHash, randomBytes } from 'node:crypto';
import { describeWithComponents } from '@stowage/testing';
import { DISTRIBUTED_START_TIMEOUT_MS, DISTRIBUTED_STOP_TIMEOUT_MS } from './support/distributed-stack';
import { explainFailure } from './support/explain-failure';
import { createIdentityWorld } from './support/identity-world';
import { downloadedBlob, registryToken, v2Client } from './support/registry-http';
import {
  startDistributedRegistry,
  startStandaloneRegistry,
  type RegistryUnderTest,
} from './support/registry-under-test';
import { START_TIMEOUT_MS, STOP_TIMEOUT_MS } from './support/standalone';

// A chunked blob upload survives a crash of the registry between two chunks: the registry stores
// every full part and the bytes after it as they arrive and records both in the database, so a
// restarted process (standalone: the whole process on the same DATA_DIR; distributed: the
// registry process alone) continues the upload where it stood. Runs dist/, so build first.

const MiB = 1024 * 1024;
// More than one stored part (8 MiB by default), so the crash leaves a part and a tail behind.
const FIRST_CHUNK_BYTES = 20 * MiB;
const SECOND_CHUNK_BYTES = 5 * MiB;
const TEST_TIMEOUT_MS = 300_000;

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
/** `Range` of an upload holding `size` bytes, as the registry reports it. */
const storedRange = (size: number) => `0-${size - 1}`;

function withDigest(location: string, digest: string): string {
  const url = new URL(location, 'http://placeholder');
  url.searchParams.set('digest', digest);
  return `${url.pathname}${url.search}`;
}

function describeUploadRestart(
  mode: string,
  start: (name: string) => Promise<RegistryUnderTest>,
  timeouts: { start: number; stop: number },
) {
  let target: RegistryUnderTest | undefined;
  const running = () => {
    if (!target) throw new Error(`${mode} was not started (see beforeAll)`);
    return target;
  };
  const withServerOutput = <T>(body: () => Promise<T>) =>
    explainFailure(() => target?.describe() ?? `${mode} was not started`, body);

  beforeAll(async () => {
    target = await start(`e2e-upload-restart-${mode}`);
  }, timeouts.start);

  afterAll(() => target?.stop(), timeouts.stop);

  it(
    'when the registry crashes between two chunks of an upload, then after the restart the upload reports the stored range, continues with the next chunk and completes with its digest',
    () =>
      withServerOutput(async () => {
        const registry = running();
        const world = await createIdentityWorld(registry.api, `restart-${mode}`);
        const { username, secret } = world.credentials.get('personal access token')!;
        const repository = `${world.projectPath}/restarted`;
        const token = await registryToken(
          registry.base,
          username,
          secret,
          `repository:${repository}:pull,push`,
        );
        const client = v2Client(registry.base, token);
        const first = randomBytes(FIRST_CHUNK_BYTES);
        const second = randomBytes(SECOND_CHUNK_BYTES);
        const digest = sha256(Buffer.concat([first, second]));

        const started = await client.send('POST', `/v2/${repository}/blobs/uploads/`);
        expect(started).toMatchObject({ status: 202, headers: { range: '0-0' } });
        const location = started.headers.location!;
        const firstChunk = await client.send('PATCH', location, {
          headers: {
            'content-type': 'application/octet-stream',
            'content-range': `0-${FIRST_CHUNK_BYTES - 1}`,
          },
          body: first,
        });
        expect(firstChunk).toMatchObject({ status: 202, headers: { range: storedRange(FIRST_CHUNK_BYTES) } });

        await registry.crashAndRestartRegistry();

        const status = await client.send('GET', location);
        expect(status).toMatchObject({
          status: 204,
          headers: {
            range: storedRange(FIRST_CHUNK_BYTES),
            location,
            'docker-upload-uuid': started.headers['docker-upload-uuid'],
          },
        });
        const secondChunk = await client.send('PATCH', location, {
          headers: {
            'content-type': 'application/octet-stream',
            'content-range': `${FIRST_CHUNK_BYTES}-${FIRST_CHUNK_BYTES + SECOND_CHUNK_BYTES - 1}`,
          },
          body: second,
        });
        expect(secondChunk).toMatchObject({
          status: 202,
          headers: { range: storedRange(FIRST_CHUNK_BYTES + SECOND_CHUNK_BYTES) },
        });
        const completed = await client.send('PUT', withDigest(location, digest));
        expect(completed).toMatchObject({
          status: 201,
          headers: { 'docker-content-digest': digest, location: `/v2/${repository}/blobs/${digest}` },
        });

        expect(await downloadedBlob(client, repository, digest)).toEqual({
          digest,
          size: FIRST_CHUNK_BYTES + SECOND_CHUNK_BYTES,
        });
      }),
    TEST_TIMEOUT_MS,
  );
}

describeWithComponents([], 'chunked upload across a registry crash in standalone mode', () =>
  describeUploadRestart('standalone', startStandaloneRegistry, {
    start: START_TIMEOUT_MS,
    stop: STOP_TIMEOUT_MS,
  }),
);

describeWithComponents(
  ['postgres', 'rabbitmq'],
  'chunked upload across a registry crash in distributed mode (only the registry process restarts)',
  () =>
    describeUploadRestart('distributed', startDistributedRegistry, {
      start: DISTRIBUTED_START_TIMEOUT_MS,
      stop: DISTRIBUTED_STOP_TIMEOUT_MS,
    }),
);
