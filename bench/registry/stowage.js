'use strict';
// Stowage in standalone mode (one process, PGlite, filesystem blobs) behind its gateway.
const { randomBytes } = require('node:crypto');
const path = require('node:path');
const { freePort, startServer, waitUntilReady } = require('./processes');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const STANDALONE = path.join(REPO_ROOT, 'services/launcher/dist/standalone.js');
// A fresh PGlite runs initdb in WebAssembly; on two busy cores that takes a while.
const START_TIMEOUT_MS = 120_000;

async function restCall(base, rootToken, method, route, body) {
  const response = await fetch(`${base}/api/v4${route}`, {
    method,
    headers: { 'private-token': rootToken, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
  return JSON.parse(text);
}

/** A registry token for push and pull on `repository`; they live 300 s, so fetch one per figure. */
async function registryToken(base, rootToken, repository) {
  const scope = `repository:${repository}:pull,push`;
  const url = `${base}/jwt/auth?service=container_registry&scope=${encodeURIComponent(scope)}`;
  const basic = Buffer.from(`root:${rootToken}`).toString('base64');
  const response = await fetch(url, { headers: { authorization: `Basic ${basic}` } });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET /jwt/auth: ${response.status} ${text}`);
  const { token } = JSON.parse(text);
  if (!token) throw new Error(`GET /jwt/auth answered no token: ${text}`);
  return token;
}

/**
 * Starts standalone mode with its data under `workDir`, creates the group and project that own
 * `<group>/<project>/<image>` and returns a target whose `authorization()` fetches a fresh token.
 */
async function startStowage(workDir, { group, project, image }) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const rootToken = randomBytes(24).toString('base64url');
  const server = startServer(process.execPath, [STANDALONE], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: workDir,
      EXTERNAL_URL: base,
      INITIAL_ROOT_TOKEN: rootToken,
      LOG_LEVEL: 'warn',
    },
  });
  try {
    await waitUntilReady(server, async () => (await fetch(`${base}/-/readiness`)).status === 200, {
      timeoutMs: START_TIMEOUT_MS,
      what: 'stowage standalone',
    });
    const created = await restCall(base, rootToken, 'POST', '/groups', {
      name: group,
      path: group,
      visibility: 'private',
    });
    await restCall(base, rootToken, 'POST', '/projects', {
      name: project,
      path: project,
      namespace_id: created.id,
    });
  } catch (error) {
    await server.stop();
    throw error;
  }
  const repository = `${group}/${project}/${image}`;
  return {
    label: 'stowage',
    base,
    pid: server.pid,
    repository,
    authorization: async () => `Bearer ${await registryToken(base, rootToken, repository)}`,
    dockerCredentials: { username: 'root', password: rootToken },
    stop: () => server.stop(),
  };
}

module.exports = { startStowage };
