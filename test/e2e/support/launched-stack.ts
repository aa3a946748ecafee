import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  AMQP_URL,
  POSTGRES_URL,
  deleteEverythingWithPrefix,
  startS3Server,
  startTcpProxy,
  uniqueName,
  type S3Server,
  type TcpProxy,
} from '@stowage/testing';
import { cleanUpSteps } from './clean-up';
import { SERVICES, type ServiceName } from './distributed-stack';
import { freePorts } from './free-ports';
import { randomSecret } from './identity-world';
import { infrastructureEnv, launcherPortsEnv } from './infrastructure-env';
import { createTestDatabase, type TestDatabase } from './postgres-database';
import { childPids, commandLine, killAll, pidsWithEnvironment } from './process-tree';
import { REPO_ROOT, makeTempDir, removeDir, startNodeScript, waitUntil, type NodeProcess } from './processes';

/**
 * Distributed mode as `pnpm start:distributed` runs it: the compiled launcher starts one OS
 * process per service (and owns them: it is the one that would restart a crashed service),
 * against real PostgreSQL, RabbitMQ and an S3 server. With `proxies`, each service reaches those
 * three through a TCP proxy of its own (see startTcpProxy), so a test can cut one off and restore
 * it, while the test itself still talks to them directly. Runs dist/, so build first.
 */

const LAUNCHER = path.join(REPO_ROOT, 'services', 'launcher', 'dist', 'distributed.js');
// Six Node processes starting on two cores, each migrating its schema: be generous.
export const LAUNCHED_START_TIMEOUT_MS = 180_000;
export const LAUNCHED_STOP_TIMEOUT_MS = 60_000;

/** The proxies between the services and the infrastructure. */
export interface InfrastructureProxies {
  postgres: TcpProxy;
  rabbitmq: TcpProxy;
  s3: TcpProxy;
}

export interface LaunchedStack {
  /** The gateway, the only address clients use. */
  readonly base: string;
  readonly rootToken: string;
  /** The prefix of this run's exchanges and queues on the shared broker. */
  readonly amqpPrefix: string;
  /** The run's own database, for the test's queries (directly, never through a proxy). */
  readonly database: TestDatabase;
  /** The S3 server itself (its endpoint is the direct one, not the proxy's). */
  readonly s3: S3Server;
  /** Present when started with `proxies: true`. */
  readonly proxies: InfrastructureProxies | undefined;
  readonly launcher: NodeProcess;
  /** A service's own address (for /-/readiness or /metrics; clients go through the gateway). */
  url(service: ServiceName): string;
  /** The launcher's service processes now, by the script each runs. */
  servicePids(): Promise<Partial<Record<ServiceName, number>>>;
  /** Why a wait should give up at once: the launcher has exited. */
  launcherExited(): string | undefined;
  /** The launcher's recent output (its services share its stdout), for failure messages. */
  describe(): string;
  /** Kills every process of the run, removes database, queues, bucket, directory; safe to call twice. */
  stop(): Promise<void>;
}

/** Where the services reach PostgreSQL, RabbitMQ and S3: through the proxies, or directly. */
async function startProxies(databaseUrl: string, s3: S3Server): Promise<InfrastructureProxies> {
  const started: TcpProxy[] = [];
  const proxy = async (url: string, defaultPort: number) => {
    const { hostname, port } = new URL(url);
    const one = await startTcpProxy({ target: { host: hostname, port: Number(port || defaultPort) } });
    started.push(one);
    return one;
  };
  try {
    return {
      postgres: await proxy(databaseUrl, 5432),
      rabbitmq: await proxy(AMQP_URL, 5672),
      s3: await proxy(s3.endpoint, 80),
    };
  } catch (error) {
    await Promise.all(started.map((one) => one.close()));
    throw error;
  }
}

/** `url` with its host and port replaced by the proxy's. */
function via(url: string, proxy: TcpProxy | undefined): string {
  if (!proxy) return url;
  const routed = new URL(url);
  routed.host = proxy.address;
  return routed.toString().replace(/\/$/, '');
}

export async function startLaunchedStack(
  name: string,
  options: { proxies?: boolean } = {},
): Promise<LaunchedStack> {
  if (!existsSync(LAUNCHER)) throw new Error(`${LAUNCHER} is missing: run \`pnpm run build\` first`);
  const amqpPrefix = uniqueName(`e2e_${name.replace(/-/g, '_')}`);
  const rootToken = randomSecret();
  const cleanups: Array<() => Promise<unknown>> = [];
  let launcher: NodeProcess | undefined;

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      const { attempt, finish } = cleanUpSteps();
      // SIGKILL every process of the run first, restarted ones and orphans included: they carry
      // the run's prefix in their environment. The launcher's children share its stdout, so it
      // does not count as exited while an orphaned service still holds that pipe open.
      await attempt(async () => killAll(await pidsWithEnvironment('AMQP_PREFIX', amqpPrefix)));
      if (launcher) await attempt(() => launcher!.stop(10_000));
      await attempt(() => deleteEverythingWithPrefix(AMQP_URL, amqpPrefix));
      for (const cleanup of cleanups.reverse()) await attempt(cleanup);
      finish('stopping the launched stack failed');
    })();
    return stopped;
  };

  try {
    const database = await createTestDatabase(POSTGRES_URL, `e2e_${name.replace(/-/g, '_')}`);
    cleanups.push(database.drop);
    const s3 = await startS3Server();
    cleanups.push(s3.stop);
    const dataDir = await makeTempDir(name);
    cleanups.push(() => removeDir(dataDir));
    const proxies = options.proxies ? await startProxies(database.url, s3) : undefined;
    if (proxies) cleanups.push(() => Promise.all(Object.values(proxies).map((proxy) => proxy.close())));

    const ports = Object.fromEntries(
      (await freePorts(SERVICES.length)).map((port, index) => [SERVICES[index]!, port]),
    ) as Record<ServiceName, number>;
    const url = (service: ServiceName) => `http://127.0.0.1:${ports[service]}`;
    // startNodeScript passes these (and PATH) only, not Jest's environment, so the services run
    // as an operator would start them.
    const env: Record<string, string> = {
      ...launcherPortsEnv(ports),
      ...infrastructureEnv({
        databaseUrl: via(database.url, proxies?.postgres),
        amqpUrl: via(AMQP_URL, proxies?.rabbitmq),
        amqpPrefix,
        s3,
        s3Endpoint: via(s3.endpoint, proxies?.s3),
        dataDir,
        externalUrl: url('gateway'),
        rootToken,
        internalApiSecret: randomSecret(),
      }),
    };
    const started = startNodeScript(LAUNCHER, env);
    launcher = started;
    const launcherExited = () => (started.hasExited() ? 'the launcher exited' : undefined);
    const describe = () =>
      `--- launcher and services, stdout (tail) ---\n${started.stdout().slice(-20_000)}\n` +
      `--- stderr (tail) ---\n${started.stderr().slice(-5_000)}`;

    try {
      await waitUntil(
        async () => {
          const response = await fetch(`${url('gateway')}/-/readiness`, {
            signal: AbortSignal.timeout(5_000),
          });
          await response.body?.cancel();
          return response.status === 200 ? true : undefined;
        },
        {
          timeoutMs: LAUNCHED_START_TIMEOUT_MS - 30_000,
          intervalMs: 500,
          description: 'the gateway to be ready',
          giveUpIf: launcherExited,
        },
      );
    } catch (error) {
      throw new Error(`the launcher did not start: ${String(error)}\n${describe()}`, { cause: error });
    }

    return {
      base: url('gateway'),
      rootToken,
      amqpPrefix,
      database,
      s3,
      proxies,
      launcher: started,
      url,
      async servicePids() {
        const pids: Partial<Record<ServiceName, number>> = {};
        for (const pid of await childPids(started.pid)) {
          const command = (await commandLine(pid)) ?? '';
          const service = SERVICES.find((one) =>
            command.includes(path.join('services', one, 'dist', 'main.js')),
          );
          if (service) pids[service] = pid;
        }
        return pids;
      },
      launcherExited,
      describe,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
