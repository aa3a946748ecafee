#!/usr/bin/env node
// Streams 1 GiB through the gateway in each direction and reports the gateway's peak RSS.
// The gateway runs as its own process (services/gateway/dist/main.js, so `pnpm run build`
// first); a sink server in this process stands in for the registry and hashes what arrives.
// Exit code 1 when a digest differs or the gateway's peak RSS exceeds the limit.
'use strict';
const { spawn } = require('node:child_process');
const { createHash, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const TOTAL_BYTES = Number(process.env.BENCH_BYTES ?? 1024 ** 3);
const RSS_LIMIT_MB = Number(process.env.BENCH_RSS_LIMIT_MB ?? 150);
const CHUNK = randomBytes(1024 * 1024);

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

/** Stands in for the registry: hashes uploads, streams downloads of TOTAL_BYTES. */
function startSink() {
  return http.createServer((req, res) => {
    if (req.url === '/-/readiness') return res.end('{}');
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-length': TOTAL_BYTES, 'content-type': 'application/octet-stream' });
      let sent = 0;
      const pump = () => {
        while (sent < TOTAL_BYTES) {
          const piece = CHUNK.subarray(0, Math.min(CHUNK.length, TOTAL_BYTES - sent));
          sent += piece.length;
          if (!res.write(piece)) return res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    const hash = createHash('sha256');
    let size = 0;
    req.on('data', (chunk) => {
      hash.update(chunk);
      size += chunk.length;
    });
    req.on('end', () => res.end(JSON.stringify({ size, digest: hash.digest('hex') })));
  });
}

function expectedDigest() {
  const hash = createHash('sha256');
  for (let sent = 0; sent < TOTAL_BYTES; sent += CHUNK.length) {
    hash.update(CHUNK.subarray(0, Math.min(CHUNK.length, TOTAL_BYTES - sent)));
  }
  return hash.digest('hex');
}

/** Samples VmRSS and reads the kernel's peak (VmHWM) for the gateway process. */
function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)[1]);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

function upload(port) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'PATCH', path: '/v2/bench/blobs/uploads/1' },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(JSON.parse(body)));
      },
    );
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < TOTAL_BYTES) {
        const piece = CHUNK.subarray(0, Math.min(CHUNK.length, TOTAL_BYTES - sent));
        sent += piece.length;
        if (!req.write(piece)) return req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

function download(port) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/v2/bench/blobs/sha256:x' }, (res) => {
        const hash = createHash('sha256');
        let size = 0;
        res.on('data', (chunk) => {
          hash.update(chunk);
          size += chunk.length;
        });
        res.on('end', () => resolve({ size, digest: hash.digest('hex') }));
      })
      .on('error', reject);
  });
}

async function waitForHealth(port) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/-/health`)).ok) return;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('gateway did not start');
}

async function freePort() {
  const server = http.createServer();
  const port = await listen(server);
  await new Promise((r) => server.close(r));
  return port;
}

async function main() {
  const sink = startSink();
  const sinkUrl = `http://127.0.0.1:${await listen(sink)}`;
  const port = await freePort();
  const gateway = spawn(process.execPath, [path.join(__dirname, '../../services/gateway/dist/main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      REGISTRY_URL: sinkUrl,
      AUTH_TOKEN_URL: sinkUrl,
      DEPENDENCY_PROXY_URL: sinkUrl,
      PACKAGE_REGISTRY_URL: sinkUrl,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    await waitForHealth(port);
    const idle = memoryOf(gateway.pid);
    let sampledPeak = idle.rssMb;
    const sampler = setInterval(
      () => (sampledPeak = Math.max(sampledPeak, memoryOf(gateway.pid).rssMb)),
      100,
    );
    const expected = expectedDigest();

    let started = process.hrtime.bigint();
    const up = await upload(port);
    const upSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    started = process.hrtime.bigint();
    const down = await download(port);
    const downSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);

    const peakMb = Math.max(sampledPeak, memoryOf(gateway.pid).peakMb);
    const mib = TOTAL_BYTES / 1024 ** 2;
    const result = {
      bytes: TOTAL_BYTES,
      upload: {
        digestIntact: up.digest === expected && up.size === TOTAL_BYTES,
        mibPerSecond: +(mib / upSeconds).toFixed(1),
      },
      download: {
        digestIntact: down.digest === expected && down.size === TOTAL_BYTES,
        mibPerSecond: +(mib / downSeconds).toFixed(1),
      },
      gatewayRssMb: { idle: +idle.rssMb.toFixed(1), peak: +peakMb.toFixed(1), limit: RSS_LIMIT_MB },
    };
    console.log(JSON.stringify(result, null, 2));
    const ok = result.upload.digestIntact && result.download.digestIntact && peakMb < RSS_LIMIT_MB;
    process.exitCode = ok ? 0 : 1;
  } finally {
    gateway.kill('SIGTERM');
    sink.close();
    sink.closeAllConnections();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
