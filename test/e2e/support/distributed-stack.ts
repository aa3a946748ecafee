import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  AMQP_URL,
  POSTGRES_URL,
  deleteEverythingWithPrefix,
  startS3Server,
  uniqueName,
  type S3Server,
} from '@stowage/testing';
import { freePorts } from './free-ports';
import { createTestDatabase, type TestDatabase } from './postgres-database';
import { randomSecret } from './identity-world';
import { REPO_ROOT, makeTempDir, removeDir, startNodeScript, waitUntil, type NodeProcess } from './processes';
import { cleanUpSteps } from './clean-up';
import { infrastructureEnv } from './infrastructure-env';

/**
 * Distributed mode with each service started by the test itself, one OS process per service,
 * against real PostgreSQL, RabbitMQ and an S3 server. It wires the processes exactly as
 * services/launcher/src/distributed.ts does (the same environment, the other services' URLs,
 * the same start order), but the test holds every pid, so it can measure one process or restart
 * one service alone when the test chooses (the launcher restarts a dead service itself, after a backoff).
 * The processes run the compiled dist/, so build first.
 */
export const SERVICES = [
  'registry',
  'dependency-proxy',
  'package-registry',
  'cleanup-worker',
  'auth-token',
  'gateway',
] as const;
export type ServiceName = (typeof SERVICES)[number];

// Verifiers first, so they are subscribed when auth-token announces its signing key; the
// gateway last, so it never forwards to a service that is not listening yet (as the launcher).
const WAVES: ServiceName[][] = [
  ['registry', 'dependency-proxy', 'package-registry', 'cleanup-worker'],
  ['auth-token'],
  ['gateway'],
];

// Six Node processes starting on two cores, each migrating its schema: be generous.
export const DISTRIBUTED_START_TIMEOUT_MS = 180_000;
export const DISTRIBUTED_STOP_TIMEOUT_MS = 60_000;
const SERVICE_START_TIMEOUT_MS = 120_000;

export interface DistributedStackOptions {
  /** Added to every process's environment (e.g. a setting under test). */
  extraEnv?: Record<string, string>;
  /**
   * How many cleanup-worker processes to run (default 1): replicas with the same environment,
   * each on its own port, competing for the same queues.
   */
  cleanupWorkers?: number;
  /**
   * How many registry processes to run (default 1): replicas with the same environment on the
   * same database, bus and bucket, each on its own port. The gateway and the other services know
   * the first only (`url('registry')`); a test reaches the others through `registryUrls()`.
   */
  registries?: number;
}

export interface DistributedStack {
  /** The gateway, the only address clients use. */
  readonly base: string;
  readonly rootToken: string;
  /** The database every service uses, for the test's own reads and seeding. */
  readonly databaseUrl: string;
  /** The S3 server and bucket every service stores in. */
  readonly s3: S3Server;
  /** A service's own address (for /metrics or /-/health; clients go through the gateway). */
  url(service: ServiceName): string;
  /** The pid of the service's current process. */
  pid(service: ServiceName): number;
  /**
   * Every cleanup-worker process started (the first is the one `url`, `pid` and `restart` name),
   * in start order, killed ones included: a test may signal one and read its logs.
   */
  cleanupWorkers(): readonly NodeProcess[];
  /** The address of every registry process, the first being `url('registry')`. */
  registryUrls(): readonly string[];
  /** Stops one service with `signal` (SIGKILL: a crash) and starts it again on the same port. */
  restart(service: ServiceName, signal: NodeJS.Signals): Promise<void>;
  /** The recent output of every process, restarted ones included, for failure messages. */
  describe(): string;
  /** Stops every process and removes the database, queues, bucket and directories; safe to call twice. */
  stop(): Promise<void>;
}

const mainScript = (service: ServiceName) => path.join('services', service, 'dist', 'main.js');

async function waitUntilHealthy(service: ServiceName, base: string, child: NodeProcess): Promise<void> {
  await waitUntil(
    async () => {
      const response = await fetch(`${base}/-/health`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      return response.ok ? true : undefined;
    },
    {
      timeoutMs: SERVICE_START_TIMEOUT_MS,
      intervalMs: 250,
      description: `${service} to answer /-/health`,
      giveUpIf: () => (child.hasExited() ? `${service} exited` : undefined),
    },
  );
}

/**
 * Starts the six services (and any extra cleanup-worker and registry replicas); on failure
 * everything started so far is stopped again.
 */
export async function startDistributedStack(
  name: string,
  options: DistributedStackOptions = {},
): Promise<DistributedStack> {
  const { extraEnv = {}, cleanupWorkers = 1, registries = 1 } = options;
  for (const service of SERVICES) {
    const script = path.join(REPO_ROOT, mainScript(service));
    if (!existsSync(script)) throw new Error(`${script} is missing: run \`pnpm run build\` first`);
  }
  const amqpPrefix = uniqueName(`e2e_${name.replace(/-/g, '_')}`);
  const rootToken = randomSecret();
  const cleanups: Array<() => Promise<unknown>> = [];
  const current = new Map<ServiceName, NodeProcess>();
  const everyProcess: Array<{ service: ServiceName; child: NodeProcess }> = [];
  // The replicas beyond each service's first (which is `current`'s), each with its own port.
  const extraReplicas: Array<{ service: ServiceName; child: NodeProcess }> = [];
  let database: TestDatabase | undefined;
  let s3: S3Server | undefined;
  let dataDir: string | undefined;

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      const { attempt, finish } = cleanUpSteps();
      // The gateway first, then the rest: no request reaches a service that is going away.
      for (const service of [...SERVICES].reverse()) {
        const child = current.get(service);
        if (child) await attempt(() => child.stop(10_000));
        for (const replica of extraReplicas)
          if (replica.service === service) await attempt(() => replica.child.stop(10_000));
      }
      await attempt(() => deleteEverythingWithPrefix(AMQP_URL, amqpPrefix));
      for (const cleanup of cleanups.reverse()) await attempt(cleanup);
      finish('stopping distributed mode failed');
    })();
    return stopped;
  };

  try {
    database = await createTestDatabase(POSTGRES_URL, `e2e_${name.replace(/-/g, '_')}`);
    cleanups.push(database.drop);
    s3 = await startS3Server();
    cleanups.push(s3.stop);
    dataDir = await makeTempDir(name);
    const directory = dataDir;
    cleanups.push(() => removeDir(directory));
    const extraServices: ServiceName[] = [
      ...Array<ServiceName>(cleanupWorkers - 1).fill('cleanup-worker'),
      ...Array<ServiceName>(registries - 1).fill('registry'),
    ];
    const allPorts = await freePorts(SERVICES.length + extraServices.length);
    const ports = Object.fromEntries(
      allPorts.slice(0, SERVICES.length).map((port, index) => [SERVICES[index]!, port]),
    ) as Record<ServiceName, number>;
    const extraPorts = allPorts.slice(SERVICES.length);
    const url = (service: ServiceName) => `http://127.0.0.1:${ports[service]}`;
    const replicaUrl = (index: number) => `http://127.0.0.1:${extraPorts[index]}`;
    const env: Record<string, string> = {
      ...infrastructureEnv({
        databaseUrl: database.url,
        amqpPrefix,
        s3,
        dataDir,
        externalUrl: url('gateway'),
        rootToken,
        internalApiSecret: randomSecret(),
      }),
      AUTH_TOKEN_URL: url('auth-token'),
      REGISTRY_URL: url('registry'),
      DEPENDENCY_PROXY_URL: url('dependency-proxy'),
      PACKAGE_REGISTRY_URL: url('package-registry'),
      ...extraEnv,
    };
    const start = async (service: ServiceName) => {
      const child = startNodeScript(mainScript(service), { ...env, PORT: String(ports[service]) });
      current.set(service, child);
      everyProcess.push({ service, child });
      await waitUntilHealthy(service, url(service), child);
    };
    const startExtraReplica = async (service: ServiceName, index: number) => {
      const child = startNodeScript(mainScript(service), { ...env, PORT: String(extraPorts[index]) });
      extraReplicas.push({ service, child });
      everyProcess.push({ service, child });
      await waitUntilHealthy(service, replicaUrl(index), child);
    };
    const describe = () =>
      everyProcess
        .map(({ service, child }) => `=== ${service}: ${child.describe()}`)
        .join('\n')
        .slice(-60_000);

    try {
      for (const [index, wave] of WAVES.entries()) {
        await Promise.all([
          ...wave.map(start),
          // The extra replicas start with the first wave, as their services' first processes do.
          ...(index === 0 ? extraServices.map(startExtraReplica) : []),
        ]);
      }
      await waitUntil(
        async () => {
          const response = await fetch(`${url('gateway')}/-/readiness`, {
            signal: AbortSignal.timeout(5_000),
          });
          await response.body?.cancel();
          return response.status === 200 ? true : undefined;
        },
        { timeoutMs: SERVICE_START_TIMEOUT_MS, intervalMs: 500, description: 'the gateway to be ready' },
      );
    } catch (error) {
      throw new Error(`distributed mode did not start: ${String(error)}\n${describe()}`, { cause: error });
    }

    return {
      base: url('gateway'),
      rootToken,
      databaseUrl: database.url,
      s3,
      url,
      cleanupWorkers: () => [
        ...everyProcess.filter(({ service }) => service === 'cleanup-worker').map(({ child }) => child),
      ],
      registryUrls: () => [
        url('registry'),
        ...extraServices.flatMap((service, index) => (service === 'registry' ? [replicaUrl(index)] : [])),
      ],
      pid(service) {
        const child = current.get(service);
        if (!child) throw new Error(`${service} is not running`);
        return child.pid;
      },
      async restart(service, signal) {
        const child = current.get(service);
        if (child) {
          child.signal(signal);
          await child.exited;
        }
        await start(service);
      },
      describe,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
