'use strict';
// Stowage in standalone mode (one process: gateway, auth-token, dependency proxy and the rest,
// PGlite and filesystem blobs under a temp dir) with one group whose dependency proxy pulls
// from the loopback upstream.
const { randomBytes } = require('node:crypto');
const path = require('node:path');
const { freePort, startServer, waitUntilReady } = require('../registry/processes');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const STANDALONE = path.join(REPO_ROOT, 'services/launcher/dist/standalone.js');
// A fresh PGlite runs initdb in WebAssembly; on two busy cores that takes a while.
const START_TIMEOUT_MS = 120_000;

async function restCall(base, rootToken, method, route, body) {
  const response = await fetch(`${base}/api/v4${route}`, {
    method,
    headers: { 'private-token': rootToken, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
  return JSON.parse(text);
}

/**
 * Starts standalone mode with its data under `workDir`, creates the private group `groupPath`
 * and points its dependency proxy at `upstreamUrl` (no credentials, no `library/` prefix).
 * `nodeArgs` go before the script (e.g. `--cpu-prof`); `logLevel` defaults to warn, as the
 * registry benchmark runs, since per-request logging is part of what a hit costs otherwise.
 */
async function startStowage(workDir, { groupPath, upstreamUrl, nodeArgs = [], logLevel = 'warn' }) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const rootToken = randomBytes(24).toString('base64url');
  const server = startServer(process.execPath, [...nodeArgs, STANDALONE], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: path.join(workDir, 'data'),
      // The address docker is given, so the token realm in the challenge is reachable too.
      EXTERNAL_URL: base,
      INITIAL_ROOT_TOKEN: rootToken,
      LOG_LEVEL: logLevel,
    },
  });
  let group;
  try {
    await waitUntilReady(server, async () => (await fetch(`${base}/-/readiness`)).status === 200, {
      timeoutMs: START_TIMEOUT_MS,
      what: 'stowage standalone',
    });
    group = await restCall(base, rootToken, 'POST', '/groups', {
      name: groupPath,
      path: groupPath,
      visibility: 'private',
    });
    await restCall(base, rootToken, 'PUT', `/groups/${group.id}/dependency_proxy/settings`, {
      enabled: true,
      upstreams: [
        {
          name: 'upstream',
          url: upstreamUrl,
          username: null,
          password: null,
          prefix: null,
          library_prefix: false,
        },
      ],
    });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    base,
    host: `127.0.0.1:${port}`,
    pid: server.pid,
    groupPath,
    /** `<host>/<group>/dependency_proxy/containers/<image>`, as docker is given it. */
    imageRef: (image) => `127.0.0.1:${port}/${groupPath}/dependency_proxy/containers/${image}`,
    /** What a client puts after `/v2/`. */
    repository: (image) => `${groupPath}/dependency_proxy/containers/${image}`,
    dockerCredentials: { username: 'root', password: rootToken },
    /** A dependency proxy pull token for `image`, as a client gets one after the challenge. */
    async pullToken(image) {
      const query = new URLSearchParams({
        service: 'dependency_proxy',
        scope: `repository:${groupPath}/dependency_proxy/containers/${image}:pull`,
      });
      const basic = Buffer.from(`root:${rootToken}`).toString('base64');
      const response = await fetch(`${base}/jwt/auth?${query}`, {
        headers: { authorization: `Basic ${basic}` },
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`GET /jwt/auth: ${response.status} ${text}`);
      return JSON.parse(text).token;
    },
    /** Its log as it prints it (the access log at LOG_LEVEL=http), for profiling. */
    stdout: server.stdout,
    /** The tail of what the process printed, for a failure message. */
    describe: () => server.describe(),
    stop: () => server.stop(),
  };
}

module.exports = { startStowage };
