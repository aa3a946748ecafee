import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  AMQP_URL,
  POSTGRES_URL,
  deleteEverythingWithPrefix,
  describeWithComponents,
  queuesBoundTo,
  startS3Server,
  uniqueName,
  type S3Server,
} from '@stowage/testing';
import { createBus, type Bus } from '@stowage/bus';
import { createIdentityClient, IdentityUnauthorizedError } from '@stowage/identity-client';
import { explainFailure } from './support/explain-failure';
import { freePorts } from './support/free-ports';
import { createTestDatabase, type TestDatabase } from './support/postgres-database';
import { childPids, commandLine, isAlive, killAll, pidsWithEnvironment } from './support/process-tree';
import { basicAuth, createIdentityWorld, randomSecret } from './support/identity-world';
import { scrapeSum } from './support/prometheus';
import { restApi } from './support/rest-api';
import {
  REPO_ROOT,
  makeTempDir,
  removeDir,
  startNodeScript,
  waitUntil,
  type ExitStatus,
  type NodeProcess,
} from './support/processes';
import { cleanUpSteps } from './support/clean-up';
import { infrastructureEnv, launcherPortsEnv } from './support/infrastructure-env';

// `pnpm start:distributed` end to end: the compiled launcher starts one OS process per service
// against real PostgreSQL, RabbitMQ and an S3 server, and the test talks to them over HTTP only.
// It runs dist/, so build first (`pnpm run build`; `pnpm test` does).

const LAUNCHER = path.join(REPO_ROOT, 'services', 'launcher', 'dist', 'distributed.js');
const SERVICES = [
  'gateway',
  'auth-token',
  'registry',
  'dependency-proxy',
  'package-registry',
  'cleanup-worker',
] as const;
type ServiceName = (typeof SERVICES)[number];

// Six Node processes starting on two cores, each migrating its schema: be generous.
const START_TIMEOUT_MS = 90_000;
const EVENT_TIMEOUT_MS = 30_000;
// "Within a few seconds": the outbox relay, RabbitMQ and each verifier's every-replica queue.
const REVOCATION_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 20_000;
const TEST_TIMEOUT_MS = 180_000;

const SIGNING_KEY_CREATED = 'identity.signing_key.created';

describeWithComponents(['postgres', 'rabbitmq'], 'distributed mode (one OS process per service)', () => {
  let database: TestDatabase | undefined;
  let s3: S3Server | undefined;
  let dataDir: string | undefined;
  let launcher: NodeProcess | undefined;
  const amqpPrefix = uniqueName('e2e_distributed');
  const rootToken = randomSecret();
  const internalApiSecret = randomSecret();
  let testBus: Bus | undefined;
  const ports = {} as Record<ServiceName, number>;
  const url = (service: ServiceName) => `http://127.0.0.1:${ports[service]}`;
  // Every process of this run, launcher and services, carries the run's unique prefix in its
  // environment; that is how clean-up finds them even if the launcher died first.
  const processesOfThisRun = () => pidsWithEnvironment('AMQP_PREFIX', amqpPrefix);

  const running = (): NodeProcess => {
    if (!launcher) throw new Error('the launcher was not started (see beforeAll)');
    return launcher;
  };
  const launcherOutput = () =>
    `--- launcher stdout (tail) ---\n${launcher?.stdout().slice(-20_000) ?? ''}\n` +
    `--- launcher stderr (tail) ---\n${launcher?.stderr().slice(-5_000) ?? ''}`;
  const launcherExited = () =>
    launcher && !launcher.hasExited() ? undefined : 'the launcher is not running';
  const withOutput = <T>(body: () => Promise<T>) => explainFailure(launcherOutput, body);
  /** The pid of each service process under the launcher, found by its command line. */
  const pidsByService = async (): Promise<Map<ServiceName, number>> => {
    const byService = new Map<ServiceName, number>();
    for (const pid of await childPids(running().pid)) {
      const command = (await commandLine(pid)) ?? '';
      const service = SERVICES.find((name) =>
        command.includes(path.join('services', name, 'dist', 'main.js')),
      );
      if (service) byService.set(service, pid);
    }
    return byService;
  };
  const gatewayGet = (pathname: string, authorization?: string) =>
    fetch(`${url('gateway')}${pathname}`, {
      headers: authorization ? { authorization } : {},
      signal: AbortSignal.timeout(10_000),
    });

  beforeAll(async () => {
    if (!existsSync(LAUNCHER)) throw new Error(`${LAUNCHER} is missing: run \`pnpm run build\` first`);
    database = await createTestDatabase(POSTGRES_URL, 'e2e_distributed');
    s3 = await startS3Server();
    dataDir = await makeTempDir('e2e-distributed');
    const [gateway, authToken, registry, dependencyProxy, packageRegistry, cleanupWorker] =
      await freePorts(6);
    Object.assign(ports, {
      gateway,
      'auth-token': authToken,
      registry,
      'dependency-proxy': dependencyProxy,
      'package-registry': packageRegistry,
      'cleanup-worker': cleanupWorker,
    });
    // startNodeScript passes these (and PATH) only, not Jest's environment (NODE_ENV=test...),
    // so the services run as an operator would start them.
    const env: Record<string, string> = {
      ...launcherPortsEnv(ports),
      ...infrastructureEnv({
        databaseUrl: database.url,
        amqpPrefix,
        s3,
        dataDir,
        externalUrl: url('gateway'),
        rootToken,
        internalApiSecret,
      }),
    };
    launcher = startNodeScript(LAUNCHER, env);
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    // Runs whatever happened above, so each step is attempted even when an earlier one fails.
    const { attempt, finish } = cleanUpSteps();
    // SIGKILL every process of the run first: the launcher's children share its stdout, so it
    // does not count as exited while an orphaned service still holds that pipe open.
    await attempt(async () => killAll(await processesOfThisRun()));
    if (testBus) await attempt(() => testBus!.close());
    if (launcher) await attempt(() => running().stop(10_000));
    if (s3) await attempt(() => s3!.stop());
    if (database) await attempt(() => database!.drop());
    await attempt(() => deleteEverythingWithPrefix(AMQP_URL, amqpPrefix));
    await attempt(() => removeDir(dataDir));
    finish('clean-up failed');
  }, TEST_TIMEOUT_MS);

  it(
    'when the launcher starts, then the gateway answers /-/readiness with 200',
    () =>
      withOutput(async () => {
        const status = await waitUntil(
          async () => {
            const response = await gatewayGet('/-/readiness');
            await response.arrayBuffer();
            if (response.status !== 200) throw new Error(`readiness answered ${response.status}`);
            return response.status;
          },
          {
            timeoutMs: START_TIMEOUT_MS,
            intervalMs: 500,
            description: 'the gateway to be ready',
            giveUpIf: launcherExited,
          },
        );
        expect(status).toBe(200);
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'when started, then each of the six services runs in its own OS process under the launcher',
    () =>
      withOutput(async () => {
        const launcherProcess = running();
        const pids = await childPids(launcherProcess.pid);
        const byService = await pidsByService();

        expect([...byService.keys()].sort()).toEqual([...SERVICES].sort());
        expect(pids).toHaveLength(SERVICES.length);
        const distinct = new Set([...byService.values(), launcherProcess.pid, process.pid]);
        expect(distinct.size).toBe(SERVICES.length + 2);
        // ...and nothing else was started with this run's environment.
        expect((await processesOfThisRun()).sort()).toEqual([launcherProcess.pid, ...pids].sort());
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'when auth-token creates its signing key, then the event reaches registry and dependency-proxy through RabbitMQ',
    () =>
      withOutput(async () => {
        const counter = { kind: 'event', type: SIGNING_KEY_CREATED };
        for (const service of ['registry', 'dependency-proxy'] as const) {
          const consumed = await waitUntil(
            async () => {
              const value = await scrapeSum(url(service), 'stowage_messages_consumed_total', {
                ...counter,
                service,
              });
              return value >= 1 ? value : undefined;
            },
            {
              timeoutMs: EVENT_TIMEOUT_MS,
              intervalMs: 500,
              description: `${service} to consume ${SIGNING_KEY_CREATED}`,
              giveUpIf: launcherExited,
            },
          );
          expect(consumed).toBeGreaterThanOrEqual(1);
        }

        // The bus went through the broker (not an in-process bus): each verifier subscribes
        // every replica (signing keys and revocations), so each holds its own server-named
        // queues bound to this run's events exchange: two per service, at least.
        const replicaQueues = (await queuesBoundTo(`${amqpPrefix}.events`)).filter((queue) =>
          queue.startsWith('amq.gen-'),
        );
        expect(replicaQueues.length).toBeGreaterThanOrEqual(4);
        // The relay marks the outbox row after the broker confirms, which can be a moment after
        // the consumers already had it.
        const outbox = await waitUntil(
          async () => {
            const { rows } = await database!.db.query<{ published: boolean }>(
              'SELECT published_at IS NOT NULL AS published FROM auth_token.outbox_events WHERE type = $1',
              [SIGNING_KEY_CREATED],
            );
            return rows.every((row) => row.published) ? rows : undefined;
          },
          { timeoutMs: EVENT_TIMEOUT_MS, description: 'the outbox row to be marked published' },
        );
        expect(outbox).toEqual([{ published: true }]);
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'when the gateway is asked for /v2/, then registry answers 401 with the Bearer challenge',
    () =>
      withOutput(async () => {
        const response = await gatewayGet('/v2/');
        await response.arrayBuffer();

        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe(
          `Bearer realm="${url('gateway')}/jwt/auth",service="container_registry"`,
        );
        expect(response.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'when the gateway is asked for /-/jwks, then auth-token answers with its one RS256 key, the one stored in PostgreSQL',
    () =>
      withOutput(async () => {
        const response = await gatewayGet('/-/jwks');
        const body = (await response.json()) as { keys?: Array<Record<string, unknown>> };
        const { rows } = await database!.db.query<{ kid: string; algorithm: string }>(
          'SELECT kid, algorithm FROM auth_token.signing_keys WHERE retired_at IS NULL',
        );

        expect(response.status).toBe(200);
        expect(body.keys).toHaveLength(1);
        expect(body.keys?.[0]).toMatchObject({ kty: 'RSA', alg: 'RS256' });
        expect(rows).toEqual([{ kid: body.keys?.[0]?.kid, algorithm: 'RS256' }]);
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'when the gateway is asked for a dependency-proxy manifest, then dependency-proxy answers 401 for its own service',
    () =>
      withOutput(async () => {
        const response = await gatewayGet('/v2/group/dependency_proxy/containers/alpine/manifests/latest');
        await response.arrayBuffer();

        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toContain('service="dependency_proxy"');
        expect(response.headers.get('www-authenticate')).toContain(`realm="${url('gateway')}/jwt/auth"`);
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'when the gateway is asked for a package path no format serves, then package-registry answers the GitLab-style 404',
    () =>
      withOutput(async () => {
        const notFound = { method: 'GET', status: '404', service: 'package-registry' };
        const before = await scrapeSum(
          url('package-registry'),
          'http_request_duration_seconds_count',
          notFound,
        );

        const response = await gatewayGet('/api/v4/projects/1/packages/no-such-format/foo');
        const body: unknown = await response.json();
        const after = await scrapeSum(
          url('package-registry'),
          'http_request_duration_seconds_count',
          notFound,
        );

        expect(response.status).toBe(404);
        expect(body).toEqual({ message: '404 Not Found' });
        // package-registry's own metrics counted it, so the answer came from there, not the gateway.
        expect(after).toBe(before + 1);
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'when cleanup-worker is asked directly, then it answers /-/readiness with 200',
    () =>
      withOutput(async () => {
        const response = await fetch(`${url('cleanup-worker')}/-/readiness`, {
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();

        expect(response.status).toBe(200);
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'when started, then every storage service has migrated its own PostgreSQL schema',
    () =>
      withOutput(async () => {
        const schemas = ['auth_token', 'registry', 'dependency_proxy', 'package_registry'];
        const { rows: present } = await database!.db.query<{ name: string }>(
          'SELECT schema_name AS name FROM information_schema.schemata',
        );
        expect(present.map((row) => row.name)).toEqual(expect.arrayContaining(schemas));

        const unmigrated: string[] = [];
        for (const schema of schemas) {
          const { rows } = await database!.db.query<{ applied: number }>(
            `SELECT count(*)::int AS applied FROM "${schema}"._prisma_migrations WHERE finished_at IS NOT NULL`,
          );
          if ((rows[0]?.applied ?? 0) < 1) unmigrated.push(schema);
        }
        expect(unmigrated).toEqual([]);
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'when a personal access token is revoked, then within seconds registry, dependency-proxy, the API and cached decisions refuse it',
    () =>
      withOutput(async () => {
        const world = await createIdentityWorld(restApi(url('gateway'), rootToken), 'revoked');
        const { secret: pat, username, revokePath } = world.credentials.get('personal access token')!;
        const registryToken = async (service: string, scope: string) => {
          const response = await gatewayGet(
            `/jwt/auth?service=${service}&scope=${encodeURIComponent(scope)}`,
            basicAuth(username, pat),
          );
          expect(response.status).toBe(200);
          return ((await response.json()) as { token: string }).token;
        };
        const containerToken = await registryToken(
          'container_registry',
          `repository:${world.projectPath}:pull`,
        );
        const proxyImage = `${world.groupPath}/dependency_proxy/containers/alpine`;
        const proxyToken = await registryToken('dependency_proxy', `repository:${proxyImage}:pull`);
        // What package-registry will do: ask auth-token, cache the answer, drop it on identity events.
        testBus = createBus({ amqpUrl: AMQP_URL, prefix: amqpPrefix });
        const identity = createIdentityClient({
          authTokenUrl: url('auth-token'),
          internalSecret: internalApiSecret,
        });
        await identity.invalidateOnIdentityEvents(testBus.events, 'e2e-package-registry');
        const decide = () =>
          identity.authorize({
            credentials: { kind: 'private_token', token: pat },
            client_ip: '127.0.0.1',
            project: world.projectPath,
            abilities: ['read_container_image'],
          });

        const statusOf = async (response: Promise<Response>) => {
          const answered = await response;
          await answered.arrayBuffer();
          return answered.status;
        };
        const refusals = {
          registry: async () => (await gatewayGet('/v2/', `Bearer ${containerToken}`)).status === 401,
          'dependency-proxy': async () =>
            (await statusOf(gatewayGet(`/v2/${proxyImage}/manifests/latest`, `Bearer ${proxyToken}`))) ===
            401,
          'auth-token API': async () =>
            (await fetch(`${url('gateway')}/api/v4/user`, { headers: { 'private-token': pat } })).status ===
            401,
          'cached decision': () =>
            decide().then(
              () => false,
              (error: unknown) => error instanceof IdentityUnauthorizedError,
            ),
        };
        for (const [where, refuses] of Object.entries(refusals)) {
          expect({ where, refusedBeforeRevocation: await refuses() }).toEqual({
            where,
            refusedBeforeRevocation: false,
          });
        }
        expect((await decide()).granted).toEqual(['read_container_image']);

        await restApi(url('gateway'), rootToken).request('DELETE', revokePath!, 204);
        const revokedAt = Date.now();

        for (const [where, refuses] of Object.entries(refusals)) {
          await waitUntil(async () => ((await refuses()) ? true : undefined), {
            timeoutMs: REVOCATION_TIMEOUT_MS,
            intervalMs: 200,
            description: `${where} to refuse the revoked token`,
            giveUpIf: launcherExited,
          });
          expect({ where, withinSeconds: Date.now() - revokedAt < REVOCATION_TIMEOUT_MS }).toEqual({
            where,
            withinSeconds: true,
          });
        }
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'when the registry process is killed with SIGKILL, then the launcher restarts it, the other services keep their pids, and the registry answers again',
    () =>
      withOutput(async () => {
        const before = await pidsByService();
        expect([...before.keys()].sort()).toEqual([...SERVICES].sort());
        const killed = before.get('registry')!;

        process.kill(killed, 'SIGKILL');
        // A new registry process, and the gateway reaching it: the challenge comes from registry.
        const restarted = await waitUntil(
          async () => {
            const pid = (await pidsByService()).get('registry');
            if (pid === undefined || pid === killed) return undefined;
            const response = await gatewayGet('/v2/');
            await response.arrayBuffer();
            if (response.status !== 401) throw new Error(`/v2/ answered ${response.status}`);
            return pid;
          },
          {
            timeoutMs: START_TIMEOUT_MS,
            intervalMs: 250,
            description: 'a new registry process to answer /v2/ through the gateway',
            giveUpIf: launcherExited,
          },
        );
        // Leave the stack as the next tests expect it: the registry ready, not just listening.
        await waitUntil(
          async () => {
            const response = await fetch(`${url('registry')}/-/readiness`, {
              signal: AbortSignal.timeout(10_000),
            });
            await response.arrayBuffer();
            return response.status === 200 ? true : undefined;
          },
          {
            timeoutMs: START_TIMEOUT_MS,
            description: 'the restarted registry to be ready',
            giveUpIf: launcherExited,
          },
        );
        const after = await pidsByService();

        expect(restarted).not.toBe(killed);
        expect(await isAlive(killed)).toBe(false);
        expect(Object.fromEntries([...after].filter(([name]) => name !== 'registry'))).toEqual(
          Object.fromEntries([...before].filter(([name]) => name !== 'registry')),
        );
        expect(after.get('registry')).toBe(restarted);
        expect(running().logs()).toContainEqual(
          expect.objectContaining({
            message: 'service exited unexpectedly; restarting it',
            name: 'registry',
            pid: killed,
            signal: 'SIGKILL',
            attempt: 1,
          }),
        );
        expect(running().logs()).toContainEqual(
          expect.objectContaining({ message: 'service restarted', name: 'registry', pid: restarted }),
        );
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'when the launcher gets SIGTERM, then it and every service process exit, the launcher with code 0',
    () =>
      withOutput(async () => {
        const launcherProcess = running();
        const pids = await processesOfThisRun();
        expect(pids).toHaveLength(SERVICES.length + 1);

        launcherProcess.signal('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const exit = await Promise.race([
          launcherProcess.exited,
          new Promise<ExitStatus | 'timeout'>((resolve) => {
            timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
          }),
        ]).finally(() => clearTimeout(timer));
        expect(exit).toEqual({ code: 0, signal: null });

        // The launcher waits for its children before it exits; the short wait only lets the
        // kernel finish reaping them.
        const survivors = async () => {
          const alive: number[] = [];
          for (const pid of [...pids, ...(await processesOfThisRun())])
            if (await isAlive(pid)) alive.push(pid);
          return [...new Set(alive)];
        };
        await waitUntil(async () => ((await survivors()).length === 0 ? true : undefined), {
          timeoutMs: 5_000,
          description: 'every service process to exit',
        }).catch(() => undefined);
        expect(await survivors()).toEqual([]);
      }),
    TEST_TIMEOUT_MS,
  );
});
