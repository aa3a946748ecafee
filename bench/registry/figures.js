'use strict';
// The four measurements, each against one target (a started registry; see stowage.js and
// distribution.js). Each resolves with `value` in the figure's unit plus what backs it.
const { deterministicBytes } = require('./deterministic-bytes');
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

/** GET of the blob blobPush stored, hashed as it streams; fails if a byte differs. */
async function blobPull(target, { bytes, digest }) {
  const authorization = await target.authorization();
  const started = process.hrtime.bigint();
  const pulled = await pullBlob(target, authorization, digest);
  const seconds = secondsSince(started);
  if (pulled.digest !== digest || pulled.size !== bytes) {
    throw new Error(`pulled ${pulled.size} bytes ${pulled.digest}, pushed ${bytes} bytes ${digest}`);
  }
  return { value: bytes / MB / seconds, seconds };
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
