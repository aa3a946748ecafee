import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sleep, waitFor } from './async-helpers';
import { realComponentsRequired } from './real-components';
import { sha256Digest, type TestImage } from './test-image';
import { terminateProcess } from './terminate-process';

/** Debian's package of distribution (`docker-registry`); DOCKER_REGISTRY_BIN overrides the path. */
export const DOCKER_REGISTRY_BINARY = process.env.DOCKER_REGISTRY_BIN ?? '/usr/bin/docker-registry';

export function dockerRegistryInstalled(): boolean {
  return existsSync(DOCKER_REGISTRY_BINARY);
}

/**
 * `describe` for tests that use startDockerRegistry: skipped where the package is not installed,
 * unless REQUIRE_REAL_COMPONENTS=1, where the missing binary must fail the run instead.
 */
export function describeWithDockerRegistry(name: string, body: () => void): void {
  if (dockerRegistryInstalled() || realComponentsRequired()) describe(name, body);
  else describe.skip(`${name} (skipped: ${DOCKER_REGISTRY_BINARY} not installed)`, body);
}

/** One request the registry answered, from its log. */
export interface RegistryRequestRecord {
  method: string;
  /** The request URI: path and query. */
  uri: string;
  status: number;
}

/** A running Debian `docker-registry` (no auth) on 127.0.0.1, with its requests counted. */
export interface DockerRegistry {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>`, as image references name it. */
  host: string;
  /**
   * Every request answered so far (since the last clearRequests), in the order the registry logged
   * them; waits first until the log has caught up with all requests whose responses have arrived.
   */
  requests(): Promise<RegistryRequestRecord[]>;
  /** How many requests with this method went to a path matching `uri` (a string must match exactly). */
  countRequests(method: string, uri: string | RegExp): Promise<number>;
  clearRequests(): Promise<void>;
  pushBlob(image: string, content: Buffer): Promise<string>;
  /** PUTs a manifest by tag or digest and returns the digest the registry computed. */
  pushManifest(image: string, reference: string, manifest: Buffer, mediaType: string): Promise<string>;
  /** Pushes a whole image (see buildTestImage) under `tag`. */
  pushImage(image: string, tag: string, content: TestImage): Promise<void>;
  /** Kills the process but keeps port and storage: the upstream is "down" until resume(). */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Kills the process and removes its storage; safe to call twice. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
/** Requests to this repository flush the log (see requests()) and are left out of the records. */
const MARKER_REPOSITORY = 'stowage-log-marker';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/**
 * The configuration. YAML is a superset of JSON, so JSON needs no YAML library. The registry logs
 * each request as a JSON "response completed" line on stderr, with method, URI and status; the
 * separate combined-format access log on stdout would only repeat them, so it is off.
 */
function configOf(port: number, storage: string): string {
  return JSON.stringify({
    version: 0.1,
    log: { level: 'info', formatter: 'json', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: storage }, delete: { enabled: true } },
    http: { addr: `127.0.0.1:${port}`, secret: randomBytes(16).toString('hex') },
  });
}

function parseRecord(line: string): RegistryRequestRecord | null {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  const method = entry['http.request.method'];
  const uri = entry['http.request.uri'];
  const status = entry['http.response.status'];
  const completed = typeof entry.msg === 'string' && entry.msg.startsWith('response completed');
  if (!completed || typeof method !== 'string' || typeof uri !== 'string' || typeof status !== 'number') {
    return null;
  }
  return { method, uri, status };
}

/**
 * Starts `docker-registry serve` on a free port of 127.0.0.1 with storage in a temp directory, so
 * any number run in parallel. Tests use it as an upstream and count its requests by method and
 * path (requests()) to prove what reached the upstream.
 */
export async function startDockerRegistry(): Promise<DockerRegistry> {
  const directory = await mkdtemp(path.join(tmpdir(), 'stowage-docker-registry-'));
  const port = await freePort();
  const configPath = path.join(directory, 'config.yml');
  await writeFile(configPath, configOf(port, path.join(directory, 'storage')));
  const url = `http://127.0.0.1:${port}`;
  let records: RegistryRequestRecord[] = [];
  let child: ChildProcess | null = null;
  let output = '';
  let markers = 0;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const launch = async () => {
    const started = spawn(DOCKER_REGISTRY_BINARY, ['serve', configPath], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = started;
    createInterface({ input: started.stderr! }).on('line', (line) => {
      output = (output + line + '\n').slice(-4000);
      const record = parseRecord(line);
      if (record) records.push(record);
    });
    const exited = new Promise<never>((_, reject) =>
      started.once('exit', (code) => reject(new Error(`docker-registry exited with ${code}: ${output}`))),
    );
    exited.catch(() => undefined);
    await Promise.race([exited, waitFor('docker-registry to answer', () => answers(url), START_TIMEOUT_MS)]);
  };

  const registry: DockerRegistry = {
    url,
    host: `127.0.0.1:${port}`,
    async requests() {
      // The registry logs a request when its handler returns, which can be just after the client
      // got the last byte. A request made after all the others is logged after them: wait for it.
      const marker = `/v2/${MARKER_REPOSITORY}/m${++markers}/tags/list`;
      (await fetch(`${url}${marker}`)).body?.cancel();
      await waitFor('the registry log', () => records.some((r) => r.uri === marker));
      return records.filter((r) => !r.uri.startsWith(`/v2/${MARKER_REPOSITORY}/`));
    },
    async countRequests(method, uri) {
      const matches = (value: string) => (typeof uri === 'string' ? value === uri : uri.test(value));
      return (await registry.requests()).filter((r) => r.method === method && matches(r.uri)).length;
    },
    async clearRequests() {
      await registry.requests();
      records = [];
    },
    pushBlob: (image, content) => pushBlob(url, image, content),
    pushManifest: (image, reference, manifest, mediaType) =>
      pushManifest(url, image, reference, manifest, mediaType),
    async pushImage(image, tag, content) {
      for (const blob of [content.config, ...content.layers]) await pushBlob(url, image, blob);
      await pushManifest(url, image, tag, content.manifest, content.mediaType);
    },
    async pause() {
      if (child) await terminateProcess(child, STOP_TIMEOUT_MS);
      child = null;
    },
    async resume() {
      if (!child) await launch();
    },
    async stop() {
      process.off('exit', killOnExit);
      await registry.pause();
      await rm(directory, { recursive: true, force: true });
    },
  };
  try {
    await launch();
  } catch (error) {
    await registry.stop();
    throw error;
  }
  return registry;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/v2/`);
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    await sleep(20);
    return false;
  }
}

/** A monolithic upload: POST opens the upload, one PUT with `?digest=` sends the bytes and commits. */
async function pushBlob(url: string, image: string, content: Buffer): Promise<string> {
  const digest = sha256Digest(content);
  const opened = await fetch(`${url}/v2/${image}/blobs/uploads/`, { method: 'POST' });
  await opened.body?.cancel();
  const location = opened.headers.get('location');
  if (opened.status !== 202 || !location) throw new Error(`upload POST answered ${opened.status}`);
  const target = new URL(location, url);
  target.searchParams.set('digest', digest);
  const committed = await fetch(target, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: content,
  });
  if (committed.status !== 201)
    throw new Error(`upload PUT answered ${committed.status}: ${await committed.text()}`);
  return digest;
}

async function pushManifest(
  url: string,
  image: string,
  reference: string,
  manifest: Buffer,
  mediaType: string,
): Promise<string> {
  const response = await fetch(`${url}/v2/${image}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'content-type': mediaType },
    body: manifest,
  });
  if (response.status !== 201)
    throw new Error(`manifest PUT answered ${response.status}: ${await response.text()}`);
  return response.headers.get('docker-content-digest') ?? sha256Digest(manifest);
}
