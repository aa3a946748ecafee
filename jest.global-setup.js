// Probes the real servers integration tests need once per run (see libs/testing), and names
// this run's PGlite template cluster (libs/db/test/support/pglite-template.ts).
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const { execFile } = require('node:child_process');

function isPortOpen(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort) });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function isOnPath(command) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, command), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function commandSucceeds(command, args) {
  return new Promise((resolve) => execFile(command, args, { timeout: 10_000 }, (error) => resolve(!error)));
}

// The engine answers GET /_ping on its API socket: much faster than starting the CLI for
// `docker info`, which remains the probe when DOCKER_HOST names something other than a socket.
// The tests drive the engine through the docker client, so that must be on PATH as well.
function isDockerEngineReachable() {
  if (!isOnPath('docker')) return Promise.resolve(false);
  const host = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  if (!host.startsWith('unix://')) return commandSucceeds('docker', ['info']);
  return new Promise((resolve) => {
    const socketPath = host.slice('unix://'.length);
    const request = http.get({ socketPath, path: '/_ping', timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
  });
}

// Debian's Chromium, which the web UI's browser tests drive with playwright-core (CHROMIUM_PATH
// names another build).
function isChromiumRunnable() {
  return commandSucceeds(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version']);
}

module.exports = async () => {
  // Made by the first test that needs it; the workers inherit this environment.
  process.env.STOWAGE_TEST_PGLITE_TEMPLATE = path.join(
    os.tmpdir(),
    `stowage-pglite-template-${crypto.randomBytes(6).toString('hex')}`,
  );
  const components = {
    postgres: () => isPortOpen(process.env.TEST_DATABASE_URL ?? 'postgresql://127.0.0.1:5432', 5432),
    rabbitmq: () => isPortOpen(process.env.TEST_AMQP_URL ?? 'amqp://127.0.0.1:5672', 5672),
    docker: isDockerEngineReachable,
    chromium: isChromiumRunnable,
  };
  const available = [];
  for (const [name, probe] of Object.entries(components)) {
    if (await probe()) available.push(name);
  }
  process.env.STOWAGE_TEST_AVAILABLE_COMPONENTS = available.join(',');
  const missing = Object.keys(components).filter((name) => !available.includes(name));
  const required = ['1', 'true'].includes(process.env.REQUIRE_REAL_COMPONENTS ?? '');
  if (missing.length > 0 && required) {
    throw new Error(`REQUIRE_REAL_COMPONENTS=1 but these are not reachable: ${missing.join(', ')}`);
  }
};
