'use strict';
// Stowage in distributed mode as `pnpm start:distributed` runs it: the compiled launcher starts
// one OS process per service (its own list and start order), on the machine's PostgreSQL (a fresh
// database) and RabbitMQ (a prefix of the run's own), with filesystem blobs in one directory
// that every process shares (no S3_* settings).
const { randomBytes } = require('node:crypto');
const path = require('node:path');
const { brokerNamespace, createDatabase } = require('./infrastructure');
const { childProcesses, freePort, startServer, waitUntilReady } = require('./processes');
const { createRepositoryOwners, stowageTarget } = require('./stowage-api');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const LAUNCHER = path.join(REPO_ROOT, 'services/launcher/dist/distributed.js');
// Six Node processes starting on two cores, each migrating its schema: be generous.
const START_TIMEOUT_MS = 180_000;
const SERVICE_SCRIPT = /services\/([^/]+)\/dist\/main\.js/;

/** The launcher's service processes by name, from their command lines. */
function serviceProcesses(launcherPid) {
  const pids = {};
  for (const { pid, command } of childProcesses(launcherPid)) {
    const service = SERVICE_SCRIPT.exec(command)?.[1];
    if (service) pids[service] = pid;
  }
  return pids;
}

/** The launcher's port variables (services/launcher/src/distributed.ts), one free port each. */
async function launcherPorts() {
  const names = [
    'PORT',
    'AUTH_TOKEN_PORT',
    'REGISTRY_PORT',
    'DEPENDENCY_PROXY_PORT',
    'PACKAGE_REGISTRY_PORT',
    'CLEANUP_WORKER_PORT',
  ];
  const ports = {};
  for (const name of names) ports[name] = String(await freePort());
  return ports;
}

const killQuietly = (pid) => {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
};

/**
 * Starts distributed mode with its blobs under `workDir`, creates the group and project that own
 * `<group>/<project>/<image>`, and returns a target whose `processes()` are the six services.
 */
async function startStowageDistributed(workDir, naming) {
  const cleanups = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error) => console.error(`stowage-distributed clean-up: ${error.message}`));
    }
  };
  try {
    const database = await createDatabase('bench_registry');
    cleanups.push(database.drop);
    const broker = brokerNamespace('bench_registry');
    cleanups.push(broker.remove);
    const ports = await launcherPorts();
    const base = `http://127.0.0.1:${ports.PORT}`;
    const rootToken = randomBytes(24).toString('base64url');
    const launcher = startServer(process.execPath, [LAUNCHER], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        HOST: '127.0.0.1',
        ...ports,
        DATABASE_URL: database.url,
        AMQP_URL: broker.url,
        AMQP_PREFIX: broker.prefix,
        DATA_DIR: workDir,
        EXTERNAL_URL: base,
        INITIAL_ROOT_TOKEN: rootToken,
        INTERNAL_API_SECRET: randomBytes(24).toString('base64url'),
        LOG_LEVEL: 'warn',
      },
    });
    // If the launcher dies without stopping its services, they must not outlive the run.
    let services = {};
    const killServices = () => Object.values(services).forEach(killQuietly);
    process.once('exit', killServices);
    cleanups.push(async () => {
      await launcher.stop();
      killServices();
      process.off('exit', killServices);
    });
    await waitUntilReady(launcher, async () => (await fetch(`${base}/-/readiness`)).status === 200, {
      timeoutMs: START_TIMEOUT_MS,
      what: 'stowage distributed (launcher)',
    });
    services = serviceProcesses(launcher.pid);
    const repository = await createRepositoryOwners(base, rootToken, naming);
    return stowageTarget({
      label: 'stowage-distributed',
      base,
      rootToken,
      repository,
      // The pids seen at start: a service the launcher restarted shows up as an exited process.
      processes: () => services,
      stop: cleanUp,
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

module.exports = { startStowageDistributed };
