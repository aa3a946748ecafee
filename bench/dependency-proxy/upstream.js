'use strict';
// The upstream: Debian's docker-registry (CNCF Distribution 2.8, no auth) on loopback, logging
// every request as JSON so the benchmark can count what reached it and how many bytes it sent.
// libs/testing's startDockerRegistry counts requests the same way but keeps no byte counts
// (and its records are compared whole by the e2e tests), so this is the benchmark's own.
const { createInterface } = require('node:readline');
const fs = require('node:fs');
const path = require('node:path');
const { freePort, startServer, waitUntilReady } = require('../registry/processes');

const BINARY = process.env.BENCH_DISTRIBUTION_BIN ?? '/usr/bin/docker-registry';
/** Requests to this repository mark the end of the log (see `records()`) and are not counted. */
const MARKER_REPOSITORY = 'bench-log-marker';

/**
 * Debian's shipped configuration (filesystem storage, in-memory blob descriptor cache) without
 * auth, with the per-request "response completed" lines as JSON. JSON is YAML, so no YAML library.
 */
function configOf(rootDirectory, port) {
  return JSON.stringify({
    version: 0.1,
    log: { level: 'info', formatter: 'json', accesslog: { disabled: true } },
    storage: { cache: { blobdescriptor: 'inmemory' }, filesystem: { rootdirectory: rootDirectory } },
    http: { addr: `127.0.0.1:${port}` },
  });
}

/** Go's duration text (`806.261µs`, `2.77ms`, `1.2s`) in milliseconds. */
function milliseconds(text) {
  const match = /^([\d.]+)(ns|µs|us|ms|s)$/.exec(text ?? '');
  if (!match) return undefined;
  return Number(match[1]) * { ns: 1e-6, µs: 1e-3, us: 1e-3, ms: 1, s: 1000 }[match[2]];
}

function parseRecord(line) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof entry.msg !== 'string' || !entry.msg.startsWith('response completed')) return null;
  return {
    method: entry['http.request.method'],
    uri: entry['http.request.uri'],
    status: entry['http.response.status'],
    bytes: Number(entry['http.response.written'] ?? 0),
    /** From the request to the handler's return: the last bytes may still be in flight. */
    ms: milliseconds(entry['http.response.duration']),
    /** When the handler returned, to line requests up with a client's timeline. */
    time: entry.time,
  };
}

/** Starts `docker-registry serve` with storage under `workDir`; resolves once /v2/ answers. */
async function startUpstream(workDir) {
  const port = await freePort();
  const configPath = path.join(workDir, 'config.yml');
  fs.writeFileSync(configPath, configOf(path.join(workDir, 'storage'), port));
  const server = startServer(BINARY, ['serve', configPath], { env: { PATH: process.env.PATH } });
  let records = [];
  createInterface({ input: server.stderr }).on('line', (line) => {
    const record = parseRecord(line);
    if (record) records.push(record);
  });
  const base = `http://127.0.0.1:${port}`;
  await waitUntilReady(server, async () => (await fetch(`${base}/v2/`)).status === 200, {
    timeoutMs: 30_000,
    what: 'docker-registry',
  }).catch(async (error) => {
    await server.stop();
    throw error;
  });
  let markers = 0;
  return {
    base,
    host: `127.0.0.1:${port}`,
    pid: server.pid,
    /**
     * The requests answered since the last call. The registry logs a request when its handler
     * returns, possibly just after the client got the last byte; a request made after all the
     * others is logged after them, so wait until it shows up.
     */
    async takeRecords() {
      const marker = `/v2/${MARKER_REPOSITORY}/m${++markers}/tags/list`;
      await (await fetch(`${base}${marker}`)).arrayBuffer();
      await waitUntilReady(server, async () => records.some((record) => record.uri === marker), {
        timeoutMs: 10_000,
        what: 'the registry log',
      });
      const taken = records.filter((record) => !record.uri.startsWith(`/v2/${MARKER_REPOSITORY}/`));
      records = [];
      return taken;
    },
    stop: () => server.stop(),
  };
}

module.exports = { startUpstream };
