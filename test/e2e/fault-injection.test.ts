import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createBus, type Bus } from '@stowage/bus';
import { blobKey } from '@stowage/registry-data';
import {
  AMQP_URL,
  createDockerCli,
  describeWithComponents,
  type DockerCli,
  type TcpProxy,
} from '@stowage/testing';
import { lastDigest, pushedDigest, succeeded } from './support/client-runs';
import { SERVICES, type ServiceName } from './support/distributed-stack';
import { explainFailure } from './support/explain-failure';
import { bucketOf } from './support/s3-bucket';
import { startHeldRequest } from './support/held-request';
import {
  basicAuth,
  createIdentityWorld,
  type Credential,
  type IdentityWorld,
} from './support/identity-world';
import {
  LAUNCHED_START_TIMEOUT_MS,
  LAUNCHED_STOP_TIMEOUT_MS,
  startLaunchedStack,
  type LaunchedStack,
} from './support/launched-stack';
import { makeTempDir, removeDir, waitUntil } from './support/processes';
import {
  downloadedBlob,
  registryToken,
  v2Client,
  type V2Answer,
  type V2Client,
} from './support/registry-http';
import { restApi } from './support/rest-api';
import { cleanUpSteps } from './support/clean-up';

// Reliability in distributed mode (the launcher, one OS process per service) when a dependency
// goes away: PostgreSQL, RabbitMQ and the S3 server each sit behind a TCP proxy of the test's
// (startTcpProxy), which cuts every connection and refuses new ones until it is restored. One
// stack serves every scenario, in order; each restores its cut in `finally`, and gathers what it
// saw during the outage and after it before comparing the whole with what is required, so one
// failure message shows every answer. Runs dist/, so build first; needs a Docker engine.

const MiB = 1024 * 1024;
const TEST_TIMEOUT_MS = 120_000;
/** Any one request during an outage: an answer later than this counts as a hang. */
const ANSWER_TIMEOUT_MS = 10_000;
/** After a restore, the first success must come within this. */
const RECOVERY_MS = 5_000;
/** How long the test keeps polling after a restore, so a slow recovery is measured, not cut short. */
const RECOVERY_POLL_LIMIT_MS = 20_000;
/** A download through the gateway whose S3 connection is cut must end this soon after the cut. */
const DOWNLOAD_END_MS = 1_000;
const EVENT_DELIVERY_TIMEOUT_MS = 30_000;
const RESTART_TIMEOUT_MS = 45_000;

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
/** Retry-After as delta-seconds or an HTTP date. */
const RETRY_AFTER = expect.stringMatching(/^(\d+|\w{3}, \d{2} \w{3} \d{4} [\d:]{8} GMT)$/);
const OCI_UNAVAILABLE = {
  status: 503,
  retryAfter: RETRY_AFTER,
  body: { errors: [expect.objectContaining({ code: 'UNAVAILABLE' })] },
};
/** Matches a number of milliseconds no greater than `ms` (shown as such in a failure's diff). */
const atMost = (ms: number) => ({
  asymmetricMatch: (actual: unknown) => typeof actual === 'number' && actual >= 0 && actual <= ms,
  toAsymmetricMatcher: () => `<= ${ms} ms`,
});
const REST_UNAVAILABLE = {
  status: 503,
  retryAfter: RETRY_AFTER,
  body: { message: '503 Service Unavailable' },
};

/** What a request got, in one comparable value: the status, Retry-After and the parsed body; or why there was none. */
type Observed =
  { status: number; retryAfter: string | undefined; body: unknown } | { status: 'no answer'; error: string };

function parsedBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.slice(0, 500);
  }
}

async function observe(answer: Promise<V2Answer>): Promise<Observed> {
  try {
    const { status, headers, body } = await answer;
    return { status, retryAfter: headers['retry-after'], body: parsedBody(body) };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return { status: 'no answer', error: `${String(error)}${cause}` };
  }
}

/** `fetch` read to the end, as a V2Answer; rejects after `timeoutMs`. */
async function request(
  url: string,
  init: RequestInit = {},
  timeoutMs = ANSWER_TIMEOUT_MS,
): Promise<V2Answer> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: await response.text(),
  };
}

/**
 * Polls `succeeds` (every 100 ms, each try bounded) from now on; resolves with how many
 * milliseconds after `since` the first success came, or a description when none came in time.
 */
async function firstSuccessAfter(since: number, succeeds: () => Promise<boolean>): Promise<number | string> {
  let last = 'no attempt';
  while (Date.now() - since < RECOVERY_POLL_LIMIT_MS) {
    try {
      if (await succeeds()) return Date.now() - since;
      last = 'not yet';
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return `no success within ${RECOVERY_POLL_LIMIT_MS} ms (last: ${last})`;
}

function withDigest(location: string, digest: string): string {
  const url = new URL(location, 'http://placeholder');
  url.searchParams.set('digest', digest);
  return `${url.pathname}${url.search}`;
}

/** Uploads `data` in one request (`POST ...?digest=`) and returns the answer. */
function uploadWhole(client: V2Client, repository: string, data: Buffer, timeoutMs = ANSWER_TIMEOUT_MS) {
  return client.send('POST', `/v2/${repository}/blobs/uploads/?digest=${sha256(data)}`, {
    headers: { 'content-type': 'application/octet-stream' },
    body: data,
    timeoutMs,
  });
}

/** Pushes a small OCI image (one random layer, a config, the manifest); returns each answer's status. */
async function pushImage(client: V2Client, repository: string, tag: string) {
  const layer = randomBytes(2048);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
    }),
  );
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: sha256(config),
      size: config.length,
    },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length },
    ],
  });
  const layerAnswer = await observe(uploadWhole(client, repository, layer));
  const configAnswer = await observe(uploadWhole(client, repository, config));
  const manifestAnswer = await observe(
    client.send('PUT', `/v2/${repository}/manifests/${tag}`, {
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      body: Buffer.from(manifest),
      timeoutMs: ANSWER_TIMEOUT_MS,
    }),
  );
  return { statuses: [layerAnswer.status, configAnswer.status, manifestAnswer.status] };
}

describeWithComponents(
  ['postgres', 'rabbitmq', 'docker'],
  'fault injection in distributed mode (PostgreSQL, RabbitMQ and S3 behind TCP proxies)',
  () => {
    let stack: LaunchedStack | undefined;
    let world: IdentityWorld | undefined;
    let docker: DockerCli | undefined;
    let workDir: string | undefined;
    let testBus: Bus | undefined;
    const builtImageIds = new Set<string>();
    /** Deliveries to the test's own consumer of the run's events exchange, by event id. */
    const deliveries = new Map<string, number>();

    const running = (): LaunchedStack => {
      if (!stack) throw new Error('the stack was not started (see beforeAll)');
      const exited = stack.launcherExited();
      if (exited) throw new Error(`${exited}: an earlier scenario brought the stack down`);
      return stack;
    };
    const proxy = (name: 'postgres' | 'rabbitmq' | 's3'): TcpProxy => running().proxies![name];
    const developer = (): Credential => world!.credentials.get('personal access token')!;
    const repositoryOf = (image: string) => `${world!.projectPath}/${image}`;
    const clientFor = async (repository: string) => {
      const { username, secret } = developer();
      const token = await registryToken(
        running().base,
        username,
        secret,
        `repository:${repository}:pull,push`,
      );
      return v2Client(running().base, token);
    };
    const scenario = (name: string, body: () => Promise<void>) =>
      it(
        name,
        () => explainFailure(() => stack?.describe() ?? 'the stack was not started', body),
        TEST_TIMEOUT_MS,
      );

    beforeAll(async () => {
      stack = await startLaunchedStack('e2e-faults', { proxies: true });
      const started = stack;
      world = await explainFailure(started.describe, () =>
        createIdentityWorld(restApi(started.base, started.rootToken), 'faults'),
      );
      docker = await createDockerCli();
      workDir = await makeTempDir('e2e-faults');
      const { username, secret } = developer();
      succeeded(
        await docker.docker(['login', new URL(started.base).host, '-u', username, '--password-stdin'], {
          input: secret,
        }),
        'docker login',
      );
      // Straight to the broker, not through the proxy: it counts what the services publish.
      testBus = createBus({ amqpUrl: AMQP_URL, prefix: started.amqpPrefix });
      await testBus.events.subscribe('fault-suite-counter', ['#'], async (event) => {
        deliveries.set(event.id, (deliveries.get(event.id) ?? 0) + 1);
      });
    }, LAUNCHED_START_TIMEOUT_MS);

    afterAll(async () => {
      const { attempt, finish } = cleanUpSteps();
      // Each proxy back to forwarding, whatever a failed scenario left behind.
      for (const one of Object.values(stack?.proxies ?? {})) await attempt(async () => one.restore());
      if (docker && builtImageIds.size > 0)
        await attempt(() => docker!.docker(['image', 'rm', '-f', ...builtImageIds]));
      await attempt(async () => docker?.cleanup());
      await attempt(async () => testBus?.close());
      await attempt(async () => stack?.stop());
      await attempt(() => removeDir(workDir));
      finish('clean-up failed');
    }, LAUNCHED_STOP_TIMEOUT_MS);

    scenario(
      'when S3 is cut, then blob GET, a monolithic POST and a 20 MB PATCH through the gateway answer 503 UNAVAILABLE with Retry-After (HEAD, from metadata, 200) and the next request is answered; after the restore the first success comes within 5 s, a retried docker push completes and every blob row has its object',
      async () => {
        const repository = repositoryOf('s3-cut');
        const client = await clientFor(repository);
        const stored = randomBytes(4096);
        expect(await observe(uploadWhole(client, repository, stored))).toMatchObject({ status: 201 });
        const started = await client.send('POST', `/v2/${repository}/blobs/uploads/`);
        expect(started).toMatchObject({ status: 202 });
        // Built before the cut (nothing of it touches the registry); pushed during and after it.
        const context = await mkdtemp(path.join(workDir!, 'context-'));
        await writeFile(path.join(context, 'random.bin'), randomBytes(64 * 1024));
        await writeFile(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY random.bin /random.bin\n');
        const image = `${new URL(running().base).host}/${repository}:retried`;
        const build = succeeded(
          await docker!.docker(['build', '-q', '-t', image, context], { env: { DOCKER_BUILDKIT: '0' } }),
          'docker build',
        );
        builtImageIds.add(lastDigest(build.stdout));

        const blobPath = `/v2/${repository}/blobs/${sha256(stored)}`;
        const s3 = proxy('s3');
        const outage: Record<string, unknown> = {};
        let restoredAt: number;
        await s3.cut();
        try {
          // docker push meets the outage, retries by itself, and is given up on after a while.
          const pushDuringOutage = docker!
            .docker(['push', image], { timeoutMs: 12_000 })
            .then((run) => (run.code === 0 ? 'completed' : 'failed'))
            .catch(() => 'still retrying when stopped');
          outage.get = await observe(client.send('GET', blobPath, { timeoutMs: ANSWER_TIMEOUT_MS }));
          outage.head = await observe(client.send('HEAD', blobPath, { timeoutMs: ANSWER_TIMEOUT_MS }));
          outage.post = await observe(uploadWhole(client, repository, randomBytes(64 * 1024)));
          outage.patch = await observe(
            client.send('PATCH', started.headers.location!, {
              headers: { 'content-type': 'application/octet-stream' },
              body: randomBytes(20 * MiB),
              timeoutMs: 30_000,
            }),
          );
          // The same keep-alive connections, to the gateway and from it to the registry.
          outage.nextRequest = await observe(client.send('GET', '/v2/', { timeoutMs: ANSWER_TIMEOUT_MS }));
          outage.dockerPush = await pushDuringOutage;
        } finally {
          s3.restore();
          restoredAt = Date.now();
        }

        const firstSuccessMs = await firstSuccessAfter(restoredAt, async () => {
          const answer = await client.send('GET', blobPath, { timeoutMs: 2_000 });
          return answer.status === 200;
        });
        const retried = await docker!.docker(['push', image], { timeoutMs: 90_000 });
        const retriedPush = retried.code === 0 ? { completed: true, digest: pushedDigest(retried) } : retried;
        const missingObjects = await blobRowsWithoutObject(running());

        expect({ outage, firstSuccessMs, retriedPush, missingObjects }).toEqual({
          outage: {
            get: OCI_UNAVAILABLE,
            // A HEAD is answered from the registry's metadata and never touches storage.
            head: { status: 200, retryAfter: undefined, body: '' },
            post: OCI_UNAVAILABLE,
            patch: OCI_UNAVAILABLE,
            nextRequest: { status: 200, retryAfter: undefined, body: expect.anything() },
            dockerPush: expect.not.stringMatching(/^completed$/),
          },
          firstSuccessMs: atMost(RECOVERY_MS),
          retriedPush: { completed: true, digest: expect.stringMatching(/^sha256:/) },
          missingObjects: [],
        });
      },
    );

    scenario(
      'when the S3 connection is cut while a 50 MB blob downloads through the gateway, then the download ends for the client within 1 s of the cut',
      async () => {
        const repository = repositoryOf('download-cut');
        const client = await clientFor(repository);
        const blob = randomBytes(50 * MiB);
        expect(await observe(uploadWhole(client, repository, blob, 60_000))).toMatchObject({ status: 201 });

        const response = await client.open(`/v2/${repository}/blobs/${sha256(blob)}`, 60_000);
        expect(response.status).toBe(200);
        const reader = response.body!.getReader();
        let received = 0;
        // Read a little, then stop: the rest waits in the gateway's, the registry's and the
        // proxy's buffers, so the cut falls in the middle of the body.
        while (received < 2 * MiB) {
          const { value, done } = await reader.read();
          if (done) break;
          received += value.length;
        }
        const s3 = proxy('s3');
        let outcome: { ended: string; msAfterCut: number; receivedWhole: boolean };
        const cutAt = Date.now();
        await s3.cut();
        try {
          const drained = (async () => {
            try {
              for (;;) {
                const { value, done } = await reader.read();
                if (done) return 'completed';
                received += value.length;
              }
            } catch {
              return 'error';
            }
          })();
          let timer: NodeJS.Timeout | undefined;
          const ended = await Promise.race([
            drained,
            new Promise<string>((resolve) => {
              timer = setTimeout(() => resolve('still open'), ANSWER_TIMEOUT_MS);
            }),
          ]).finally(() => clearTimeout(timer));
          outcome = { ended, msAfterCut: Date.now() - cutAt, receivedWhole: received === blob.length };
          if (ended === 'still open') await reader.cancel().catch(() => undefined);
        } finally {
          s3.restore();
        }

        if (outcome.receivedWhole)
          throw new Error('the whole blob arrived: the cut came after the body, so this run proves nothing');
        expect(outcome).toEqual({
          ended: 'error',
          msAfterCut: atMost(DOWNLOAD_END_MS),
          receivedWhole: false,
        });
      },
    );

    scenario(
      'when PostgreSQL is cut, then /api/v4/projects, /jwt/auth and a manifest GET answer 503 in their formats with Retry-After; after the restore each succeeds within 5 s with no process restarted',
      async () => {
        const stack = running();
        const repository = repositoryOf('pg-cut');
        const client = await clientFor(repository);
        const pushed = await pushImage(client, repository, 'before');
        expect(pushed.statuses).toEqual([201, 201, 201]);
        const { username, secret } = developer();
        const calls = {
          projects: () =>
            request(`${stack.base}/api/v4/projects`, { headers: { 'private-token': stack.rootToken } }),
          jwtAuth: () =>
            request(
              `${stack.base}/jwt/auth?service=container_registry&scope=${encodeURIComponent(`repository:${repository}:pull`)}`,
              { headers: { authorization: basicAuth(username, secret) } },
            ),
          manifest: () =>
            client.send('GET', `/v2/${repository}/manifests/before`, {
              headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
              timeoutMs: ANSWER_TIMEOUT_MS,
            }),
        };
        const pidsBefore = await stack.servicePids();
        expect(Object.keys(pidsBefore).sort()).toEqual([...SERVICES].sort());

        const postgres = proxy('postgres');
        let outage: Record<keyof typeof calls, Observed>;
        let restoredAt: number;
        await postgres.cut();
        try {
          const [projects, jwtAuth, manifest] = await Promise.all([
            observe(calls.projects()),
            observe(calls.jwtAuth()),
            observe(calls.manifest()),
          ]);
          outage = { projects, jwtAuth, manifest };
        } finally {
          postgres.restore();
          restoredAt = Date.now();
        }

        const recovery = Object.fromEntries(
          await Promise.all(
            Object.entries(calls).map(
              async ([name, call]) =>
                [
                  name,
                  await firstSuccessAfter(restoredAt, async () => (await call()).status === 200),
                ] as const,
            ),
          ),
        );
        const pidsAfter = await stack.servicePids();

        expect({ outage, recovery, pidsAfter }).toEqual({
          outage: { projects: REST_UNAVAILABLE, jwtAuth: REST_UNAVAILABLE, manifest: OCI_UNAVAILABLE },
          recovery: {
            projects: atMost(RECOVERY_MS),
            jwtAuth: atMost(RECOVERY_MS),
            manifest: atMost(RECOVERY_MS),
          },
          pidsAfter: pidsBefore,
        });
      },
    );

    scenario(
      'when RabbitMQ is cut, then every /-/readiness stays 200 naming the broker as degraded and pushes still work; after the restore the events recorded during the outage are delivered exactly once',
      async () => {
        const stack = running();
        const repository = repositoryOf('mq-cut');
        const client = await clientFor(repository);
        const outboxTables = await stack.database.db.query<{ schema: string }>(
          "SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'outbox_events'",
        );
        const recordedSince = async (since: Date) => {
          const ids: string[] = [];
          for (const { schema } of outboxTables.rows) {
            const { rows } = await stack.database.db.query<{ id: string }>(
              `SELECT id::text AS id FROM "${schema}".outbox_events WHERE occurred_at >= $1`,
              [since],
            );
            ids.push(...rows.map((row) => row.id));
          }
          return ids;
        };
        const readiness = async (service: ServiceName) => {
          const observed = await observe(request(`${stack.url(service)}/-/readiness`));
          return observed.status === 'no answer'
            ? observed
            : {
                status: observed.status,
                brokerDegraded: namesBrokerAsDegraded(observed.body),
                body: observed.body,
              };
        };

        const rabbitmq = proxy('rabbitmq');
        const { rows } = await stack.database.db.query<{ now: Date }>('SELECT now() AS now');
        const cutAt = rows[0]!.now;
        let outage: { pushes: unknown[]; readiness: Record<string, unknown> };
        let recordedIds: string[];
        await rabbitmq.cut();
        try {
          const pushes = [
            (await pushImage(client, repository, 'during-1')).statuses,
            (await pushImage(client, repository, 'during-2')).statuses,
          ];
          const answers = await Promise.all(
            SERVICES.map(async (service) => [service, await readiness(service)]),
          );
          outage = { pushes, readiness: Object.fromEntries(answers) };
          recordedIds = await recordedSince(cutAt);
        } finally {
          rabbitmq.restore();
        }

        // Every event recorded during the outage reaches the test's consumer; then a moment more,
        // for any second copy to arrive as well.
        const delivered = await waitUntil(
          async () => (recordedIds.every((id) => deliveries.has(id)) ? true : undefined),
          { timeoutMs: EVENT_DELIVERY_TIMEOUT_MS, intervalMs: 250, description: 'the outage events' },
        ).then(
          () => 'all',
          (error: unknown) => String(error),
        );
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        const lost = recordedIds.filter((id) => !deliveries.has(id));
        const duplicated = recordedIds.filter((id) => (deliveries.get(id) ?? 0) > 1);

        const degraded = { status: 200, brokerDegraded: true, body: expect.anything() };
        expect({ outage, recorded: recordedIds.length > 0, delivered, lost, duplicated }).toEqual({
          outage: {
            pushes: [
              [201, 201, 201],
              [201, 201, 201],
            ],
            readiness: {
              registry: degraded,
              'dependency-proxy': degraded,
              'package-registry': degraded,
              'cleanup-worker': degraded,
              'auth-token': degraded,
              // The gateway has no broker of its own: it stays ready because everything behind it is.
              gateway: { status: 200, brokerDegraded: expect.any(Boolean), body: expect.anything() },
            },
          },
          recorded: true,
          delivered: 'all',
          lost: [],
          duplicated: [],
        });
      },
    );

    scenario(
      'when the registry is killed (SIGKILL) in the middle of a chunked upload, then the launcher restarts it and the upload resumes from the reported range and completes with its digest',
      async () => {
        const stack = running();
        const repository = repositoryOf('crash');
        const client = await clientFor(repository);
        const chunk = 8 * MiB;
        const data = randomBytes(3 * chunk);
        const digest = sha256(data);
        const started = await client.send('POST', `/v2/${repository}/blobs/uploads/`);
        expect(started).toMatchObject({ status: 202 });
        const location = started.headers.location!;
        const first = await client.send('PATCH', location, {
          headers: { 'content-type': 'application/octet-stream', 'content-range': `0-${chunk - 1}` },
          body: data.subarray(0, chunk),
        });
        expect(first).toMatchObject({ status: 202, headers: { range: `0-${chunk - 1}` } });

        // The second chunk is half sent when the registry dies.
        const { username, secret } = developer();
        const token = await registryToken(stack.base, username, secret, `repository:${repository}:pull,push`);
        const held = startHeldRequest(new URL(location, stack.base).toString(), {
          method: 'PATCH',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
          first: data.subarray(chunk, chunk + chunk / 2),
        });
        await new Promise((resolve) => setTimeout(resolve, 500));
        const killed = (await stack.servicePids()).registry!;
        process.kill(killed, 'SIGKILL');
        held.close();

        const restarted = await waitUntil(
          async () => {
            const pid = (await stack.servicePids()).registry;
            if (pid === undefined || pid === killed) return undefined;
            const health = await fetch(`${stack.url('registry')}/-/health`, {
              signal: AbortSignal.timeout(2_000),
            });
            await health.body?.cancel();
            return health.ok ? pid : undefined;
          },
          {
            timeoutMs: RESTART_TIMEOUT_MS,
            intervalMs: 250,
            description: 'the launcher to restart the registry',
            giveUpIf: stack.launcherExited,
          },
        );
        expect(restarted).not.toBe(killed);

        const status = await client.send('GET', location);
        expect(status).toMatchObject({ status: 204, headers: { range: expect.stringMatching(/^0-\d+$/) } });
        const stored = Number(status.headers.range!.split('-')[1]) + 1;
        expect(stored).toBeGreaterThanOrEqual(chunk);
        const rest = await client.send('PATCH', location, {
          headers: {
            'content-type': 'application/octet-stream',
            'content-range': `${stored}-${data.length - 1}`,
          },
          body: data.subarray(stored),
        });
        expect(rest).toMatchObject({ status: 202, headers: { range: `0-${data.length - 1}` } });
        const completed = await client.send('PUT', withDigest(location, digest));
        expect(completed).toMatchObject({ status: 201, headers: { 'docker-content-digest': digest } });
        expect(await downloadedBlob(client, repository, digest)).toEqual({ digest, size: data.length });
      },
    );
  },
);

/**
 * Whether a readiness body names the broker as degraded: it holds the broker's check (named bus,
 * broker, rabbitmq or amqp) as not ok, and says "degraded" (in that check, or of the service).
 */
function namesBrokerAsDegraded(body: unknown): boolean {
  const checks = (body as { checks?: Record<string, { status?: unknown }> } | null)?.checks ?? {};
  const broker = Object.entries(checks).find(([name]) => /^(bus|broker|rabbitmq|amqp)$/i.test(name));
  return broker !== undefined && broker[1]?.status !== 'ok' && /degraded/i.test(JSON.stringify(body));
}

/**
 * Digests the registry's metadata names (every blob row, every manifest's config and layers)
 * whose object is missing from the bucket, read directly from PostgreSQL and the S3 server.
 */
async function blobRowsWithoutObject(stack: LaunchedStack): Promise<string[]> {
  const { rows } = await stack.database.db.query<{ digest: string }>(
    'SELECT digest FROM registry.blobs UNION SELECT digest FROM registry.layers',
  );
  const { s3 } = stack;
  const bucket = bucketOf(s3);
  const keys = new Set<string>();
  for await (const object of bucket.list('registry/blobs/')) keys.add(object.key);
  return rows.map((row) => row.digest).filter((digest) => !keys.has(blobKey(digest)));
}
