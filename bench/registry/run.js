#!/usr/bin/env node
// Stowage's container registry (standalone mode, filesystem blobs, through the gateway) against
// CNCF Distribution 2.8 (Debian's docker-registry, filesystem storage) on the same machine:
// 1 GiB blob push and pull, manifest GETs per second under wrk, and `docker pull` of a 5-layer
// image. Prints a table, writes bench/registry/results.json, exits 1 if any measurement failed.
// Run after `pnpm run build` (Stowage runs from services/launcher/dist).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startDistribution } = require('./distribution');
const { figureList } = require('./figure-list');
const { generatorCeiling } = require('./figures');
const { buildImage } = require('./image');
const { memoryOf, resetPeak } = require('./processes');
const { failures, memoryTable, ratioOf, resultsTable } = require('./report');
const { MiB, NAMING, REPOSITORY, SETTINGS } = require('./settings');
const { startStowage } = require('./stowage');

const LOAD_AT_START = +os.loadavg()[0].toFixed(2);
const RESULTS_FILE = path.join(__dirname, 'results.json');

async function startTargets(workRoot) {
  const starters = {
    distribution: (dir) => startDistribution(dir, REPOSITORY),
    stowage: (dir) => startStowage(dir, NAMING),
  };
  const started = await Promise.allSettled(
    SETTINGS.targets.map(async (label) => {
      if (!starters[label]) throw new Error(`unknown target; BENCH_TARGETS takes ${Object.keys(starters)}`);
      return starters[label](fs.mkdtempSync(path.join(workRoot, `${label}-`)));
    }),
  );
  const targets = [];
  const memory = {};
  started.forEach((outcome, index) => {
    const label = SETTINGS.targets[index];
    if (outcome.status === 'rejected') {
      memory[label] = { error: outcome.reason.message };
      return;
    }
    targets.push(outcome.value);
    memory[label] = { idleMb: memoryOf(outcome.value.pid).rssMb };
  });
  return { targets, memory };
}

/** The process's peak RSS in MB; undefined once it has exited (a crash is reported by the figure). */
function peakOf(target) {
  try {
    return memoryOf(target.pid).peakMb;
  } catch {
    return undefined;
  }
}

/** Runs `figure` against `target` with the peak RSS reset first, so the peak read after is this figure's. */
async function measure(figure, target, earlier) {
  resetPeak(target.pid);
  let result;
  try {
    result = await figure.run(target, earlier);
  } catch (error) {
    result = { error: error.message };
  }
  return { ...result, peakRssMb: peakOf(target) };
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
    distribution: execFileSync('docker-registry', ['--version'], { encoding: 'utf8' }).trim(),
  };
}

/** Written as Prettier would, so the repository's format check passes when the file is committed. */
async function writeResults(results) {
  const prettier = require('prettier');
  const options = { ...(await prettier.resolveConfig(RESULTS_FILE)), filepath: RESULTS_FILE };
  fs.writeFileSync(RESULTS_FILE, await prettier.format(JSON.stringify(results), options));
}

async function main() {
  const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'stowage-bench-registry-'));
  let results;
  let targets = [];
  try {
    const images = {
      small: buildImage(1, 4096),
      pull: buildImage(SETTINGS.pullLayers, SETTINGS.pullLayerBytes),
    };
    const clientCeilingMbPerSecond = generatorCeiling(256 * MiB);
    const startedTargets = await startTargets(workRoot);
    targets = startedTargets.targets;
    const earlier = Object.fromEntries(targets.map((target) => [target.label, {}]));
    const measured = [];
    for (const figure of figureList(images, workRoot)) {
      const row = {
        key: figure.key,
        title: figure.title,
        unit: figure.unit,
        better: figure.better,
        digits: figure.digits,
      };
      for (const target of targets) {
        process.stderr.write(`${figure.title}: ${target.label}...\n`);
        row[target.label] = await measure(figure, target, earlier[target.label]);
        earlier[target.label][figure.key] = row[target.label];
      }
      row.ratio = ratioOf(figure, row.stowage, row.distribution);
      measured.push(row);
    }
    for (const target of targets) {
      const memory = startedTargets.memory[target.label];
      const peaks = measured.map((row) => row[target.label].peakRssMb).filter((peak) => peak !== undefined);
      memory.peakMb = Math.max(memory.idleMb, ...peaks);
    }
    results = {
      date: new Date().toISOString().slice(0, 10),
      machine: machine(),
      settings: { ...SETTINGS, repository: REPOSITORY, clientCeilingMbPerSecond },
      figures: measured,
      memory: startedTargets.memory,
    };
  } finally {
    await Promise.all(targets.map((target) => target.stop()));
    fs.rmSync(workRoot, { recursive: true, force: true });
  }
  await writeResults(results);
  console.log(resultsTable(results));
  console.log();
  console.log(memoryTable(results));
  console.log(
    `\nclient alone generates and hashes ${results.settings.clientCeilingMbPerSecond.toFixed(0)} MB/s (ceiling of the push figure)`,
  );
  const failed = failures(results);
  for (const line of failed) console.error(`FAILED ${line}`);
  console.log(`1-minute load average at the start: ${LOAD_AT_START} on ${os.cpus().length} cores`);
  console.log(`results written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
