import { spawn } from 'node:child_process';
import path from 'node:path';
import { loadConfig, loggingOptions } from '@stowage/config';
import { createLogger } from '@stowage/logging';
import { runMain } from '@stowage/runtime';
import { NODE_FLAGS } from './node-flags';
import { Supervisor, type ExitStatus } from './supervisor';

/**
 * `pnpm start:distributed`: one OS process per service, as docker-compose and Kubernetes run
 * them, for development and the end-to-end tests. Every process gets this process's
 * environment (DATABASE_URL, AMQP_URL, S3_*...) plus its own PORT and the other services' URLs.
 */
const launcherSchema = {
  ...loggingOptions,
  gatewayPort: { doc: 'Gateway port.', format: 'port', default: 5000, env: 'PORT' },
  authTokenPort: { doc: 'auth-token port.', format: 'port', default: 5001, env: 'AUTH_TOKEN_PORT' },
  registryPort: { doc: 'registry port.', format: 'port', default: 5002, env: 'REGISTRY_PORT' },
  dependencyProxyPort: {
    doc: 'dependency-proxy port.',
    format: 'port',
    default: 5003,
    env: 'DEPENDENCY_PROXY_PORT',
  },
  packageRegistryPort: {
    doc: 'package-registry port.',
    format: 'port',
    default: 5004,
    env: 'PACKAGE_REGISTRY_PORT',
  },
  cleanupWorkerPort: {
    doc: 'cleanup-worker port.',
    format: 'port',
    default: 5005,
    env: 'CLEANUP_WORKER_PORT',
  },
};

interface LauncherConfig {
  logLevel: string;
  gatewayPort: number;
  authTokenPort: number;
  registryPort: number;
  dependencyProxyPort: number;
  packageRegistryPort: number;
  cleanupWorkerPort: number;
}

const servicesDir = path.join(__dirname, '..', '..');

runMain('stowage-distributed', async () => {
  const config = loadConfig<LauncherConfig>(launcherSchema);
  const logger = createLogger({ service: 'launcher', level: config.logLevel });
  const local = (port: number) => `http://127.0.0.1:${port}`;
  const urls = {
    AUTH_TOKEN_URL: local(config.authTokenPort),
    REGISTRY_URL: local(config.registryPort),
    DEPENDENCY_PROXY_URL: local(config.dependencyProxyPort),
    PACKAGE_REGISTRY_URL: local(config.packageRegistryPort),
  };
  // Verifiers first, so they are subscribed when auth-token announces its signing keys; the
  // gateway last, so it never forwards to a service that is not listening yet.
  const waves: Array<Array<[string, number]>> = [
    [
      ['registry', config.registryPort],
      ['dependency-proxy', config.dependencyProxyPort],
      ['package-registry', config.packageRegistryPort],
      ['cleanup-worker', config.cleanupWorkerPort],
    ],
    [['auth-token', config.authTokenPort]],
    [['gateway', config.gatewayPort]],
  ];
  // Start-up rule: until every wave is listening, a service that exits fails the launcher (exit
  // 1, the others stopped), as a broken configuration or dependency would otherwise loop. Once the
  // suite is up, each Supervisor restarts its service with backoff when it dies, and the others
  // go on untouched; only an exit that a restart cannot fix (configuration error, code 2) still
  // stops the suite and the launcher exits 1.
  const supervisors: Supervisor[] = [];
  let startedUp = false;
  let startupFailure: Error | undefined;
  let shuttingDown: Promise<void> | undefined;
  const stopAll = () => {
    shuttingDown ??= Promise.all(supervisors.map((supervisor) => supervisor.stop())).then(() => undefined);
    return shuttingDown;
  };
  const giveUp = (name: string, status: ExitStatus) => {
    if (!startedUp) {
      startupFailure ??= new Error(
        `${name} exited during start-up (code ${status.code}, signal ${status.signal})`,
      );
      return;
    }
    if (shuttingDown) return;
    logger.error('service cannot be restarted; stopping the others', { name, ...status });
    void stopAll().then(() => process.exit(1));
  };
  const start = (name: string, port: number) => {
    const supervisor = new Supervisor({
      name,
      logger,
      spawn: () =>
        spawn(
          process.execPath,
          [...(NODE_FLAGS[name] ?? []), path.join(servicesDir, name, 'dist', 'main.js')],
          {
            env: { ...process.env, ...urls, PORT: String(port) },
            stdio: 'inherit',
          },
        ),
      onGiveUp: (status) => giveUp(name, status),
    });
    supervisors.push(supervisor);
    supervisor.start();
  };
  try {
    for (const wave of waves) {
      for (const [name, port] of wave) start(name, port);
      await Promise.all(
        wave.map(([name, port]) => waitUntilListening(name, port, () => startupFailure !== undefined)),
      );
      if (startupFailure) throw startupFailure;
    }
  } catch (error) {
    // Wait for the others to exit, so none is left running when the launcher exits 1.
    await stopAll();
    throw startupFailure ?? error;
  }
  startedUp = true;
  for (const supervisor of supervisors) supervisor.enableRestarts();
  logger.info('started services', {
    pids: Object.fromEntries(supervisors.map((supervisor) => [supervisor.name, supervisor.pid])),
  });
  return { logger, service: { stop: stopAll } };
});

/** Polls the service's liveness endpoint until it answers; returns early once `aborted()` says so. */
async function waitUntilListening(name: string, port: number, aborted: () => boolean): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && !aborted()) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/-/health`, {
        signal: AbortSignal.timeout(1000),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (aborted()) return;
  throw new Error(`${name} did not start listening on port ${port}`);
}
