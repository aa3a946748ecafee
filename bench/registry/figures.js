'use strict';
// The four measurements, each against one target (a started registry; see stowage.js and
// distribution.js). Each resolves with `value` in the figure's unit plus what backs it.
const { deterministicBytes } = require('./deterministic-bytes');
const { curlDiscarding } = require('./curl');
const { timeDockerPulls } = require('./docker-pull');
const { MANIFEST_TYPE, pushImage } = require('./image');
const { getManifest, pullBlob, pushBlob } = require('./registry-client');
const { runWrk } = require('./wrk');

const MB = 1e6;
const secondsSince = (started) => Number(process.hrtime.bigint() - started) / 1e9;

/** POST + one streamed PATCH + PUT ?digest= of `bytes` deterministic bytes, hashed as generated. */
async function blobPush(target, { bytes }) {
  const authorization = await target.authorization();
  const source = deterministicBytes(bytes);
  const started = process.hrtime.bigint();
  const digest = await pushBlob(target, authorization, {
    body: source.chunks(),
    size: bytes,
    digest: () => source.digest(),
  });
  const seconds = secondsSince(started);
  return { value: bytes / MB / seconds, seconds, digest };
}

/**
 * GET of the blob blobPush stored, timed with a client that reads faster than any registry here
 * serves (curl into /dev/null); then GET again, hashed as it streams, which fails the figure if a
 * byte differs. The hashing pull is not the figure: on this machine it reads at 550-720 MB/s, and
 * Node's HTTP client without the hash at about 900, against 1.8-3 GB/s that the registries serve
 * to curl, so it would time itself, not the registry (bench/README.md, "Seventh pass"). Its rate
 * is kept beside the figure.
 */
async function blobPull(target, { bytes, digest }) {
  const authorization = await target.authorization();
  const url = `${target.base}/v2/${target.repository}/blobs/${digest}`;
  const timed = await curlDiscarding(url, authorization ? { authorization } : {}, 120_000);
  if (timed.status !== 200 || timed.bytes !== bytes) {
    throw new Error(`GET blob: status ${timed.status} with ${timed.bytes} bytes, pushed ${bytes} bytes`);
  }
  const started = process.hrtime.bigint();
  const pulled = await pullBlob(target, authorization, digest);
  const hashingSeconds = secondsSince(started);
  if (pulled.digest !== digest || pulled.size !== bytes) {
    throw new Error(`pulled ${pulled.size} bytes ${pulled.digest}, pushed ${bytes} bytes ${digest}`);
  }
  return {
    value: bytes / MB / timed.seconds,
    seconds: timed.seconds,
    hashingClientMbPerSecond: bytes / MB / hashingSeconds,
  };
}

/** Pushes `image` as `tag`, checks one GET, then lets wrk GET the manifest by tag. */
async function manifestGets(target, { image, tag, wrk }) {
  const authorization = await target.authorization();
  const digest = await pushImage(target, authorization, image, tag);
  const sample = await getManifest(target, authorization, tag, MANIFEST_TYPE);
  if (sample.headers['docker-content-digest'] !== digest) {
    throw new Error(`GET manifest answered ${sample.headers['docker-content-digest']}, pushed ${digest}`);
  }
  const headers = { Accept: MANIFEST_TYPE, ...(authorization ? { Authorization: authorization } : {}) };
  const summary = await runWrk(`${target.base}/v2/${target.repository}/manifests/${tag}`, headers, wrk);
  if (summary.non2xx > 0) throw new Error(`wrk saw ${summary.non2xx} responses that were not 2xx`);
  return { value: summary.requestsPerSecond, requests: summary.requests, socketErrors: summary.socketErrors };
}

/** Pushes `image` as `tag` over HTTP, then times `docker pull` (value: the median, in seconds). */
async function dockerPull(target, { image, tag, dockerConfigDir, repetitions }) {
  await pushImage(target, await target.authorization(), image, tag);
  const timed = await timeDockerPulls(target, tag, { dockerConfigDir, repetitions });
  return { value: timed.median, seconds: timed.seconds };
}

/** How fast this process alone generates and hashes the push body: the ceiling of figure 1. */
function generatorCeiling(bytes) {
  const source = deterministicBytes(bytes);
  const started = process.hrtime.bigint();
  let generated = 0;
  for (const chunk of source.chunks()) generated += chunk.length;
  source.digest();
  return generated / MB / secondsSince(started);
}

module.exports = { blobPush, blobPull, manifestGets, dockerPull, generatorCeiling };
