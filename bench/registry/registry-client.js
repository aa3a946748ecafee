'use strict';
// The parts of the Distribution API the benchmark uses, over node:http so bodies stream with
// back-pressure in both directions. The flow is the same for both registries; only the
// Authorization header differs (none for the reference).
const { createHash } = require('node:crypto');
const http = require('node:http');

const IDLE_TIMEOUT_MS = 60_000;

/** One request; `body` is undefined, a Buffer, or an iterable of Buffers written with back-pressure. */
function request(url, { method = 'GET', headers = {}, body, onData } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const kept = [];
      res.on('data', (chunk) => (onData ? onData(chunk) : kept.push(chunk)));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(kept) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    // A registry that stops answering mid-transfer fails the figure instead of hanging the run.
    req.setTimeout(IDLE_TIMEOUT_MS, () =>
      req.destroy(new Error(`${method} ${url}: no traffic for ${IDLE_TIMEOUT_MS} ms`)),
    );
    if (body === undefined || Buffer.isBuffer(body)) return req.end(body);
    const iterator = body[Symbol.iterator]();
    const pump = () => {
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        if (!req.write(next.value)) return req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

function expectStatus(response, expected, what) {
  if (response.status !== expected) {
    throw new Error(
      `${what}: expected ${expected}, got ${response.status} ${response.body.toString().slice(0, 500)}`,
    );
  }
  return response;
}

function withAuth(authorization, headers = {}) {
  return authorization ? { ...headers, authorization } : headers;
}

/** Distribution answers absolute Locations, Stowage relative ones; both resolve against the base. */
function uploadUrl(base, location, digest) {
  const url = new URL(location, base);
  if (digest) url.searchParams.set('digest', digest);
  return url;
}

/**
 * Pushes a blob the way docker does: POST to open an upload, one streamed PATCH, then
 * PUT ?digest= to commit. `body` is a Buffer or an iterable of chunks totalling `size` bytes;
 * `digest` is a function because a streamed body's digest is known only once it has been sent.
 */
async function pushBlob(target, authorization, { body, size, digest }) {
  const name = target.repository;
  const opened = expectStatus(
    await request(`${target.base}/v2/${name}/blobs/uploads/`, {
      method: 'POST',
      headers: withAuth(authorization, { 'content-length': '0' }),
    }),
    202,
    'POST upload',
  );
  const patched = expectStatus(
    await request(uploadUrl(target.base, opened.headers.location), {
      method: 'PATCH',
      headers: withAuth(authorization, {
        'content-type': 'application/octet-stream',
        'content-length': String(size),
      }),
      body,
    }),
    202,
    'PATCH upload',
  );
  const expected = typeof digest === 'function' ? digest() : digest;
  const committed = expectStatus(
    await request(uploadUrl(target.base, patched.headers.location, expected), {
      method: 'PUT',
      headers: withAuth(authorization, { 'content-length': '0' }),
    }),
    201,
    'PUT upload',
  );
  if (committed.headers['docker-content-digest'] !== expected) {
    throw new Error(
      `PUT upload: Docker-Content-Digest ${committed.headers['docker-content-digest']}, sent ${expected}`,
    );
  }
  return expected;
}

/** GETs a blob, hashing it as it streams; resolves with its size and `sha256:<hex>`. */
async function pullBlob(target, authorization, digest) {
  const hash = createHash('sha256');
  let size = 0;
  const response = await request(`${target.base}/v2/${target.repository}/blobs/${digest}`, {
    headers: withAuth(authorization),
    onData: (chunk) => {
      hash.update(chunk);
      size += chunk.length;
    },
  });
  if (response.status !== 200) throw new Error(`GET blob: expected 200, got ${response.status}`);
  return { size, digest: `sha256:${hash.digest('hex')}` };
}

async function pushManifest(target, authorization, tag, manifest) {
  const body = Buffer.from(JSON.stringify(manifest));
  const response = expectStatus(
    await request(`${target.base}/v2/${target.repository}/manifests/${tag}`, {
      method: 'PUT',
      headers: withAuth(authorization, {
        'content-type': manifest.mediaType,
        'content-length': String(body.length),
      }),
      body,
    }),
    201,
    'PUT manifest',
  );
  return response.headers['docker-content-digest'];
}

async function getManifest(target, authorization, tag, accept) {
  return expectStatus(
    await request(`${target.base}/v2/${target.repository}/manifests/${tag}`, {
      headers: withAuth(authorization, { accept }),
    }),
    200,
    'GET manifest',
  );
}

module.exports = { pushBlob, pullBlob, pushManifest, getManifest };
