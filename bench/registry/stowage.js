'use strict';
// Stowage in standalone mode (one process, PGlite, filesystem blobs) behind its gateway.
const { randomBytes } = require('node:crypto');
const path = require('node:path');
const { freePort, startServer, waitUntilReady } = require('./processes');
const { createRepositoryOwners, stowageTarget } = require('./stowage-api');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const STANDALONE = path.join(REPO_ROOT, 'services/launcher/dist/standalone.js');
// A fresh PGlite runs initdb in WebAssembly; on two busy cores that takes a while.
const START_TIMEOUT_MS = 120_000;

/** Launches standalone mode on `workDir`; resolves once the gateway answers readiness. */
async function launch(workDir, rootToken) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
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
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { server, base };
}

/** The measured target; `restart()` stops the process and starts it again on the same data. */
function standaloneTarget({ server, base }, workDir, rootToken, repository) {
  return {
    ...stowageTarget({
      label: 'stowage',
      base,
      rootToken,
      repository,
      processes: () => ({ standalone: server.pid }),
      stop: () => server.stop(),
    }),
    async restart() {
      await server.stop();
      return standaloneTarget(await launch(workDir, rootToken), workDir, rootToken, repository);
    },
  };
}

/**
 * Starts standalone mode with its data under `workDir`, creates the group and project that own
 * `<group>/<project>/<image>` and returns a target whose `authorization()` fetches a fresh token.
 */
async function startStowage(workDir, naming) {
  const rootToken = randomBytes(24).toString('base64url');
  const launched = await launch(workDir, rootToken);
  let repository;
  try {
    repository = await createRepositoryOwners(launched.base, rootToken, naming);
  } catch (error) {
    await launched.server.stop();
    throw error;
  }
  return standaloneTarget(launched, workDir, rootToken, repository);
}

module.exports = { startStowage };
