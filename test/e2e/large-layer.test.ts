import { describeWithComponents } from '@stowage/testing';
import {
  DISTRIBUTED_START_TIMEOUT_MS,
  DISTRIBUTED_STOP_TIMEOUT_MS,
  SERVICES,
  startDistributedStack,
  type DistributedStack,
  type ServiceName,
} from './support/distributed-stack';
import { explainFailure } from './support/explain-failure';
import { generatedStream } from './support/generated-stream';
import { createIdentityWorld } from './support/identity-world';
import { peakResidentBytes } from './support/peak-memory';
import { scrapeSum } from './support/prometheus';
import { downloadedBlob, registryToken, v2Client, type V2Client } from './support/registry-http';
import { restApi } from './support/rest-api';

// A 1 GiB layer through the gateway in distributed mode, pushed as one streamed PATCH and pulled
// back as one GET: the digest survives both ways, and no service process (gateway included)
// ever holds more than a bounded amount of it in memory: the bytes stream through in parts.
// The test generates and hashes the layer as it goes, so it holds no more of it than they do.
// Runs dist/, so build first.

const MiB = 1024 * 1024;
const LAYER_BYTES = 1024 * MiB;
const PEAK_RSS_LIMIT_BYTES = 200 * 1000 * 1000;
const STORED_BODY_BYTES = 'stowage_gateway_stored_body_bytes_total';
// Through the gateway, the registry and the S3 server on two cores, each way: be generous.
const TRANSFER_TIMEOUT_MS = 15 * 60_000;
const TEST_TIMEOUT_MS = 2 * TRANSFER_TIMEOUT_MS + 60_000;

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

async function peakOfEachService(stack: DistributedStack): Promise<Record<ServiceName, number>> {
  const peaks = await Promise.all(
    SERVICES.map(async (service) => [service, await peakResidentBytes(stack.pid(service))] as const),
  );
  return Object.fromEntries(peaks) as Record<ServiceName, number>;
}

describeWithComponents(['postgres', 'rabbitmq'], 'a 1 GiB layer in distributed mode', () => {
  let stack: DistributedStack | undefined;
  const running = () => {
    if (!stack) throw new Error('distributed mode was not started (see beforeAll)');
    return stack;
  };
  const withServerOutput = <T>(body: () => Promise<T>) =>
    explainFailure(() => stack?.describe() ?? 'distributed mode was not started', body);

  beforeAll(async () => {
    stack = await startDistributedStack('e2e-large-layer');
  }, DISTRIBUTED_START_TIMEOUT_MS);

  afterAll(() => stack?.stop(), DISTRIBUTED_STOP_TIMEOUT_MS);

  it(
    'when a 1 GiB layer is pushed in one streamed chunk and pulled back, then its digest is intact and every service process stayed under 200 MB of resident memory',
    () =>
      withServerOutput(async () => {
        const services = running();
        const world = await createIdentityWorld(restApi(services.base, services.rootToken), 'large-layer');
        const { username, secret } = world.credentials.get('personal access token')!;
        const repository = `${world.projectPath}/large`;
        // A registry token lives minutes; a fresh one for each step outlasts a slow transfer.
        const freshClient = async (): Promise<V2Client> =>
          v2Client(
            services.base,
            await registryToken(services.base, username, secret, `repository:${repository}:pull,push`),
          );
        const layer = generatedStream(LAYER_BYTES);
        // A failure tells apart memory a service took to start, to take the push and to serve the pull.
        const beforeTransfer = await peakOfEachService(services);

        const started = await (await freshClient()).send('POST', `/v2/${repository}/blobs/uploads/`);
        expect(started.status).toBe(202);
        const patch = await freshClient();
        const streamed = await patch.send('PATCH', started.headers.location!, {
          headers: { 'content-type': 'application/octet-stream' },
          body: layer.stream,
          timeoutMs: TRANSFER_TIMEOUT_MS,
        });
        expect(streamed).toMatchObject({ status: 202, headers: { range: `0-${LAYER_BYTES - 1}` } });
        const digest = layer.digest();
        const completion = new URL(streamed.headers.location!, services.base);
        completion.searchParams.set('digest', digest);
        const put = await freshClient();
        const completed = await put.send('PUT', completion.toString(), { timeoutMs: TRANSFER_TIMEOUT_MS });
        expect(completed).toMatchObject({ status: 201, headers: { 'docker-content-digest': digest } });
        const afterPush = await peakOfEachService(services);

        const sentBefore = await scrapeSum(services.base, STORED_BODY_BYTES, { upstream: 'registry' });
        const pulled = await downloadedBlob(await freshClient(), repository, digest, TRANSFER_TIMEOUT_MS);
        expect(pulled).toEqual({ digest, size: LAYER_BYTES });
        // The gateway sent the layer from S3 itself (ADR 0012); the registry only named it.
        const sentAfter = await scrapeSum(services.base, STORED_BODY_BYTES, { upstream: 'registry' });
        expect(sentAfter - sentBefore).toBe(LAYER_BYTES);

        const afterPull = await peakOfEachService(services);
        const overLimit = SERVICES.filter((service) => afterPull[service] >= PEAK_RSS_LIMIT_BYTES).map(
          (service) =>
            `${service} peaked at ${megabytes(afterPull[service])} ` +
            `(${megabytes(beforeTransfer[service])} before the push, ${megabytes(afterPush[service])} after it)`,
        );
        expect(overLimit).toEqual([]);
      }),
    TEST_TIMEOUT_MS,
  );
});
