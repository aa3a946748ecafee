#!/usr/bin/env node
// The dependency proxy (issue 10) on this machine, all on loopback, standalone Stowage in front
// of Debian's docker-registry as the upstream:
// 1. cache-hit `docker pull` through the proxy against `docker pull` of the same image straight
//    from the upstream (median of N, each after `docker rmi`); goal: proxy ≤ 1.1 × direct;
// 2. 20 clients fetching one uncached image at once (manifest, then every blob, over HTTP with a
//    pull token each), counting upstream blob GETs and bytes from the upstream's request log;
//    goal: one upstream transfer per blob. The same 20 clients straight from the upstream are
//    the reference for the time.
// Prints a table, writes bench/dependency-proxy/results.json; exits 1 when a measurement failed
// (an error, wrong bytes), never because a goal was missed. Run after `pnpm run build`.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { docker, median } = require('../registry/docker-pull');
const { buildImage, pushImage, MANIFEST_TYPE } = require('../registry/image');
const { memoryOf, resetPeak } = require('../registry/processes');
const { getManifest, pullBlob } = require('../registry/registry-client');
const { markdownTable } = require('../registry/report');
const { startStowage } = require('./stowage');
const { startUpstream } = require('./upstream');

const MiB = 1024 * 1024;
const SETTINGS = {
  layers: Number(process.env.BENCH_LAYERS ?? 5),
  layerBytes: Number(process.env.BENCH_LAYER_MIB ?? 20) * MiB,
  repetitions: Number(process.env.BENCH_PULL_REPETITIONS ?? 5),
  clients: Number(process.env.BENCH_CLIENTS ?? 20),
  /** A directory: the standalone process runs with --cpu-prof and writes its profile there. */
  cpuProfileDir: process.env.BENCH_CPU_PROF_DIR,
  /** `info` makes the services log every request (with its time); that costs the hit path too. */
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'warn',
};
const GOALS = { hitRatio: 1.1, transfersPerBlob: 1 };
const GROUP = 'bench';
const HIT = { image: 'hit', tag: 'v1' };
const COLD = { image: 'cold', tag: 'v1' };
const LOAD_AT_START = +os.loadavg()[0].toFixed(2);
const RESULTS_FILE = path.join(__dirname, 'results.json');

const seconds = (started) => Number(process.hrtime.bigint() - started) / 1e9;
const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  MANIFEST_TYPE,
].join(', ');

/**
 * What must go even when the run fails or is interrupted: the servers (killed before their
 * directories are removed, so nothing writes into them afterwards), the engine's images of this
 * run and the temp dir.
 */
const leftovers = { servers: [], refs: new Set(), workRoot: undefined, dockerEnv: undefined };
function removeLeftoversSync() {
  for (const server of leftovers.servers.splice(0)) {
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (leftovers.refs.size > 0) {
    try {
      execFileSync('docker', ['rmi', '-f', ...leftovers.refs], { env: leftovers.dockerEnv, stdio: 'ignore' });
    } catch {
      // not pulled, or already removed
    }
    leftovers.refs.clear();
  }
  if (leftovers.workRoot) fs.rmSync(leftovers.workRoot, { recursive: true, force: true });
}
process.on('exit', removeLeftoversSync);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));

/** `docker pull` of `ref` timed, then the image's id checked against the config digest, then `docker rmi`. */
async function timedPull(ref, configDigest, env) {
  leftovers.refs.add(ref);
  const started = process.hrtime.bigint();
  await docker(['pull', '--quiet', ref], { env });
  const took = seconds(started);
  const id = (await docker(['image', 'inspect', '--format', '{{.Id}}', ref], { env })).trim();
  if (id !== configDigest) throw new Error(`docker pull ${ref} gave image ${id}, expected ${configDigest}`);
  await docker(['rmi', ref], { env });
  return took;
}

const count = (records, method, pattern) =>
  records.filter((record) => record.method === method && pattern.test(record.uri)).length;

/** Figure 1: cache-hit `docker pull` through the proxy against the same pull from the upstream. */
async function cacheHitPulls({ stowage, upstream, image, env }) {
  const configDigest = image.manifest.config.digest;
  const proxyRef = `${stowage.imageRef(HIT.image)}:${HIT.tag}`;
  const directRef = `${upstream.host}/${HIT.image}:${HIT.tag}`;
  const { username, password } = stowage.dockerCredentials;
  await docker(['login', stowage.host, '--username', username, '--password-stdin'], { env, input: password });

  // The first pull through the proxy fills its cache; one direct pull evens out what the first
  // pull of anything costs (page cache, docker's connections) before the timed ones.
  const coldProxySeconds = await timedPull(proxyRef, configDigest, env);
  await timedPull(directRef, configDigest, env);
  await upstream.takeRecords();

  const direct = [];
  const proxy = [];
  const upstreamDuringHits = [];
  for (let i = 0; i < SETTINGS.repetitions; i++) {
    // Alternating which goes first, so load that comes and goes on the shared machine hits both.
    const order = i % 2 === 0 ? ['direct', 'proxy'] : ['proxy', 'direct'];
    for (const which of order) {
      if (which === 'direct') {
        direct.push(await timedPull(directRef, configDigest, env));
        await upstream.takeRecords();
      } else {
        proxy.push(await timedPull(proxyRef, configDigest, env));
        upstreamDuringHits.push(...(await upstream.takeRecords()));
      }
    }
  }
  const perPull = (method, pattern) => count(upstreamDuringHits, method, pattern) / SETTINGS.repetitions;
  return {
    coldProxySeconds,
    direct: { seconds: direct, median: median(direct) },
    proxy: { seconds: proxy, median: median(proxy) },
    ratio: median(proxy) / median(direct),
    // A hit by tag revalidates with one upstream manifest HEAD and fetches nothing.
    upstreamPerHit: {
      manifestHeads: perPull('HEAD', /\/manifests\//),
      manifestGets: perPull('GET', /\/manifests\//),
      blobGets: perPull('GET', /\/blobs\//),
    },
  };
}

/**
 * One client: the manifest by tag, then every blob at once, each hashed as it arrives and
 * checked against the manifest. Resolves with the bytes received.
 */
async function fetchImage(target, authorization, tag) {
  const manifest = JSON.parse((await getManifest(target, authorization, tag, MANIFEST_ACCEPT)).body);
  const descriptors = [manifest.config, ...manifest.layers];
  const pulled = await Promise.all(descriptors.map((d) => pullBlob(target, authorization, d.digest)));
  pulled.forEach((blob, i) => {
    if (blob.digest !== descriptors[i].digest || blob.size !== descriptors[i].size) {
      throw new Error(
        `${target.repository}: got ${blob.size} bytes ${blob.digest}, expected ${descriptors[i].size} ${descriptors[i].digest}`,
      );
    }
  });
  return pulled.reduce((sum, blob) => sum + blob.size, 0);
}

/** `clients` clients fetching the image at once; the upstream's requests counted per blob. */
async function concurrentFetches({ target, authorizations, upstream, image, tag }) {
  await upstream.takeRecords();
  const started = process.hrtime.bigint();
  const received = await Promise.all(
    authorizations.map((authorization) => fetchImage(target, authorization, tag)),
  );
  const took = seconds(started);
  const records = await upstream.takeRecords();
  const digests = [image.manifest.config.digest, ...image.manifest.layers.map((layer) => layer.digest)];
  const imageBytes = image.blobs.reduce((sum, blob) => sum + blob.length, 0);
  const blobGets = digests.map((digest) => count(records, 'GET', new RegExp(`/blobs/${digest}$`)));
  const upstreamBytes = records
    .filter((record) => record.method === 'GET' && /\/blobs\//.test(record.uri))
    .reduce((sum, record) => sum + record.bytes, 0);
  return {
    seconds: took,
    clients: authorizations.length,
    blobs: digests.length,
    imageBytes,
    bytesToClients: received.reduce((sum, bytes) => sum + bytes, 0),
    upstreamBlobGetsPerDigest: Object.fromEntries(digests.map((digest, i) => [digest, blobGets[i]])),
    upstreamTransfersPerBlob: blobGets.reduce((sum, n) => sum + n, 0) / digests.length,
    maxTransfersOfOneBlob: Math.max(...blobGets),
    upstreamBlobBytes: upstreamBytes,
    upstreamManifestGets: count(records, 'GET', /\/manifests\//),
    upstreamManifestHeads: count(records, 'HEAD', /\/manifests\//),
    upstreamBlobHeads: count(records, 'HEAD', /\/blobs\//),
  };
}

/** Figure 2: 20 cold clients through the proxy, then the same 20 straight from the upstream. */
async function coldConcurrentPulls({ stowage, upstream, image }) {
  // A token per client, as each would fetch one after the challenge; not part of the time.
  const tokens = await Promise.all(
    Array.from({ length: SETTINGS.clients }, () => stowage.pullToken(COLD.image)),
  );
  resetPeak(stowage.pid);
  const proxy = await concurrentFetches({
    target: { base: stowage.base, repository: stowage.repository(COLD.image) },
    authorizations: tokens.map((token) => `Bearer ${token}`),
    upstream,
    image,
    tag: COLD.tag,
  });
  proxy.stowagePeakRssMb = memoryOf(stowage.pid).peakMb;
  const direct = await concurrentFetches({
    target: { base: upstream.base, repository: COLD.image },
    authorizations: Array.from({ length: SETTINGS.clients }, () => undefined),
    upstream,
    image,
    tag: COLD.tag,
  });
  return { proxy, direct };
}

function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    kernel: os.release(),
    node: process.version,
    // The machine is shared: the 1-minute load when the run began says how much else was running.
    loadAverageAtStart: LOAD_AT_START,
    loadAverageAtEnd: +os.loadavg()[0].toFixed(2),
    distribution: execFileSync('docker-registry', ['--version'], { encoding: 'utf8' }).trim(),
    docker: execFileSync('docker', ['version', '--format', '{{.Client.Version}} / {{.Server.Version}}'], {
      encoding: 'utf8',
    }).trim(),
  };
}

function table(results) {
  const { hit, cold } = results;
  const f2 = (value) => value.toFixed(2);
  const size = `${SETTINGS.layers} x ${SETTINGS.layerBytes / MiB} MiB`;
  return markdownTable(
    ['figure', 'proxy', 'direct', 'proxy / direct', 'goal'],
    [
      [
        `docker pull, cache hit, ${size} (s, median of ${SETTINGS.repetitions})`,
        f2(hit.proxy.median),
        f2(hit.direct.median),
        f2(hit.ratio),
        `<= ${GOALS.hitRatio}`,
      ],
      [`docker pull, first through the proxy (s)`, f2(hit.coldProxySeconds), '', '', ''],
      [
        `${cold.proxy.clients} concurrent cold fetches, ${size} (s)`,
        f2(cold.proxy.seconds),
        f2(cold.direct.seconds),
        f2(cold.proxy.seconds / cold.direct.seconds),
        '',
      ],
      [
        'upstream transfers per blob',
        cold.proxy.upstreamTransfersPerBlob.toFixed(1),
        cold.direct.upstreamTransfersPerBlob.toFixed(1),
        '',
        `${GOALS.transfersPerBlob.toFixed(1)}`,
      ],
      [
        'upstream blob bytes / image bytes',
        f2(cold.proxy.upstreamBlobBytes / cold.proxy.imageBytes),
        f2(cold.direct.upstreamBlobBytes / cold.direct.imageBytes),
        '',
        '',
      ],
    ],
  );
}

/** Written as Prettier would, so the repository's format check passes when the file is committed. */
async function writeResults(results) {
  const prettier = require('prettier');
  const options = { ...(await prettier.resolveConfig(RESULTS_FILE)), filepath: RESULTS_FILE };
  fs.writeFileSync(RESULTS_FILE, await prettier.format(JSON.stringify(results), options));
}

async function main() {
  const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'stowage-bench-dependency-proxy-'));
  leftovers.workRoot = workRoot;
  const env = { ...process.env, DOCKER_CONFIG: fs.mkdtempSync(path.join(workRoot, 'docker-config-')) };
  leftovers.dockerEnv = env;
  const servers = leftovers.servers;
  let results;
  try {
    const images = {
      hit: buildImage(SETTINGS.layers, SETTINGS.layerBytes),
      cold: buildImage(SETTINGS.layers, SETTINGS.layerBytes),
    };
    const upstreamDir = fs.mkdtempSync(path.join(workRoot, 'upstream-'));
    const upstream = await startUpstream(upstreamDir);
    servers.push(upstream);
    const nodeArgs = SETTINGS.cpuProfileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(SETTINGS.cpuProfileDir)}`]
      : [];
    const stowage = await startStowage(fs.mkdtempSync(path.join(workRoot, 'stowage-')), {
      groupPath: GROUP,
      upstreamUrl: upstream.base,
      nodeArgs,
      logLevel: SETTINGS.logLevel,
    });
    servers.push(stowage);
    for (const [name, image] of Object.entries(images)) {
      const tag = name === 'hit' ? HIT.tag : COLD.tag;
      await pushImage(
        { base: upstream.base, repository: name === 'hit' ? HIT.image : COLD.image },
        undefined,
        image,
        tag,
      );
    }
    process.stderr.write('cache-hit docker pulls...\n');
    const hit = await cacheHitPulls({ stowage, upstream, image: images.hit, env });
    process.stderr.write(`${SETTINGS.clients} concurrent cold fetches...\n`);
    const cold = await coldConcurrentPulls({ stowage, upstream, image: images.cold });
    results = {
      date: new Date().toISOString().slice(0, 10),
      machine: machine(),
      settings: SETTINGS,
      goals: GOALS,
      hit,
      cold,
    };
  } catch (error) {
    // What Stowage printed last says more about a failed request than its status does.
    const stowage = servers.find((server) => server.describe);
    if (stowage) error.message += `\n--- ${stowage.describe()}`;
    throw error;
  } finally {
    // The profile (--cpu-prof) is written when the process exits on its own, so SIGTERM first.
    await Promise.all(servers.splice(0).map((server) => server.stop()));
    removeLeftoversSync();
  }
  await writeResults(results);
  console.log(table(results));
  const { hit, cold } = results;
  console.log(`\ndirect pulls (s): ${hit.direct.seconds.map((s) => s.toFixed(2)).join(' ')}`);
  console.log(`proxy pulls (s):  ${hit.proxy.seconds.map((s) => s.toFixed(2)).join(' ')}`);
  console.log(
    `upstream requests per cache-hit pull: ${hit.upstreamPerHit.manifestHeads} manifest HEAD, ${hit.upstreamPerHit.manifestGets} manifest GET, ${hit.upstreamPerHit.blobGets} blob GET`,
  );
  console.log(
    `cold fetches through the proxy: upstream manifest GETs ${cold.proxy.upstreamManifestGets}, HEADs ${cold.proxy.upstreamManifestHeads}; blob GETs per digest ${Object.values(cold.proxy.upstreamBlobGetsPerDigest).join(' ')}; ${(cold.proxy.bytesToClients / 1e6).toFixed(0)} MB to clients, ${(cold.proxy.upstreamBlobBytes / 1e6).toFixed(0)} MB from the upstream; standalone peak RSS ${cold.proxy.stowagePeakRssMb.toFixed(0)} MB`,
  );
  console.log(
    `1-minute load average: ${LOAD_AT_START} at the start, ${results.machine.loadAverageAtEnd} at the end, on ${os.cpus().length} cores`,
  );
  console.log(`results written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
