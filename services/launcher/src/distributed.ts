import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadConfig, loggingOptions } from '@stowage/config';
import { createLogger } from '@stowage/logging';
import { runMain } from '@stowage/runtime';

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
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const start = (name: string, port: number) => {
    const child = spawn(process.execPath, [path.join(servicesDir, name, 'dist', 'main.js')], {
      env: { ...process.env, ...urls, PORT: String(port) },
      stdio: 'inherit',
    });
    children.set(name, child);
    child.on('exit', (code, signal) => {
      children.delete(name);
      if (!stopping) {
        // One service down means the suite is broken: stop the rest rather than limp on.
        logger.error('service exited; stopping the others', { name, code, signal });
        stopping = true;
        for (const other of children.values()) other.kill('SIGTERM');
        process.exitCode = 1;
      }
    });
  };
  try {
    for (const wave of waves) {
      for (const [name, port] of wave) start(name, port);
      await Promise.all(wave.map(([name, port]) => waitUntilListening(name, port, () => stopping)));
    }
  } catch (error) {
    stopping = true;
    for (const child of children.values()) child.kill('SIGTERM');
    throw error;
  }
  logger.info('started services', { pids: Object.fromEntries([...children].map(([n, c]) => [n, c.pid])) });
  return {
    logger,
    service: {
      stop: () =>
        new Promise<void>((resolve) => {
          stopping = true;
          if (children.size === 0) resolve();
          for (const child of children.values()) {
            child.once('exit', () => children.size === 0 && resolve());
            child.kill('SIGTERM');
          }
        }),
    },
  };
});

/** Polls the service's liveness endpoint until it answers (or the launcher gives up). */
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
  throw new Error(`${name} did not start listening on port ${port}`);
}
