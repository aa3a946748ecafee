'use strict';
// The reference: CNCF Distribution 2.8 as Debian ships it, on filesystem storage, without auth.
const fs = require('node:fs');
const path = require('node:path');
const { freePort, startServer, waitUntilReady } = require('./processes');

const BINARY = process.env.BENCH_DISTRIBUTION_BIN ?? '/usr/bin/docker-registry';

/**
 * Debian's /etc/docker/registry/config.yml minus auth and with quiet logs (Stowage runs with
 * LOG_LEVEL=warn): the in-memory blob descriptor cache is part of the shipped configuration.
 */
function configYaml(rootDirectory, port) {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  cache:',
    '    blobdescriptor: inmemory',
    '  filesystem:',
    `    rootdirectory: ${rootDirectory}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '',
  ].join('\n');
}

/** Starts `docker-registry serve` with its storage under `workDir`; resolves once /v2/ answers. */
async function startDistribution(workDir, repository) {
  const port = await freePort();
  const configPath = path.join(workDir, 'config.yml');
  fs.writeFileSync(configPath, configYaml(path.join(workDir, 'storage'), port));
  const server = startServer(BINARY, ['serve', configPath], { env: { PATH: process.env.PATH } });
  const base = `http://127.0.0.1:${port}`;
  await waitUntilReady(server, async () => (await fetch(`${base}/v2/`)).status === 200, {
    timeoutMs: 30_000,
    what: 'docker-registry',
  });
  return {
    label: 'distribution',
    base,
    processes: () => ({ 'docker-registry': server.pid }),
    repository,
    /** No auth: every request goes without Authorization. */
    authorization: async () => undefined,
    dockerCredentials: undefined,
    stop: () => server.stop(),
    async restart() {
      await server.stop();
      return startDistribution(workDir, repository);
    },
  };
}

module.exports = { startDistribution };
