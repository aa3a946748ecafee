#!/usr/bin/env node
// Stowage's container registry (standalone mode, and distributed mode with one process per service;
// filesystem blobs, through the gateway) against CNCF Distribution 2.8 (Debian's docker-registry,
// filesystem storage) on the same machine:
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
const { measureRestart, pushPullPeakOf } = require('./memory');
const { memoryOf, resetPeak } = require('./processes');
const {
  failures,
  hashingPullLine,
  memoryTable,
  processMemoryTable,
  ratioOf,
  resultsTable,
} = require('./report');
const { MiB, NAMING, REPOSITORY, SETTINGS, sizeLabel } = require('./settings');
const { startStowage } = require('./stowage');
const { startStowageDistributed } = require('./stowage-distributed');

const LOAD_AT_START = +os.loadavg()[0].toFixed(2);
const RESULTS_FILE = path.join(__dirname, 'results.json');

const STARTERS = {
  distribution: (dir) => startDistribution(dir, REPOSITORY),
  stowage: (dir) => startStowage(dir, NAMING),
  'stowage-distributed': (dir) => startStowageDistributed(dir, NAMING),
};

const sum = (values) => values.reduce((total, value) => total + value, 0);

/**
 * The targets in the order of round `round` (1-based): each round starts one target later, so over
 * a multiple of the target count every target has measured in every position equally often. Where
 * a target stands in a round matters on this VM: over 15 rounds of `docker pull`, whichever target
 * pulled second was 5-7% slower than the same target pulling first or third (the engine's and the
 * kernel's background work after the previous pull's `docker rmi`, we think), more than the
 * registries differ. In a fixed order that went to the same registry every time.
 */
function inTurn(targets, round) {
  const shift = (round - 1) % targets.length;
  return [...targets.slice(shift), ...targets.slice(0, shift)];
}

async function startTargets(workRoot) {
  const started = await Promise.allSettled(
    SETTINGS.targets.map(async (label) => {
      if (!STARTERS[label]) throw new Error(`unknown target; BENCH_TARGETS takes ${Object.keys(STARTERS)}`);
      return STARTERS[label](fs.mkdtempSync(path.join(workRoot, `${label}-`)));
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
    const processes = Object.fromEntries(
      Object.entries(outcome.value.processes()).map(([name, pid]) => [name, { idleMb: memoryOf(pid).rssMb }]),
    );
    memory[label] = { idleMb: sum(Object.values(processes).map((one) => one.idleMb)), processes };
  });
  return { targets, memory };
}

/**
 * Runs `figure` against `target` with the peak RSS of each of its processes reset first, so the
 * peaks read after are this figure's. `peakRssMb` adds up the processes' peaks (for distributed
 * mode an upper bound: they need not peak at the same moment).
 */
async function measure(figure, target, earlier) {
  const processes = Object.entries(target.processes());
  for (const [, pid] of processes) resetPeak(pid);
  let result;
  try {
    result = await figure.run(target, earlier);
  } catch (error) {
    result = { error: error.message };
  }
  const peaks = {};
  const exited = [];
  for (const [name, pid] of processes) {
    try {
      peaks[name] = memoryOf(pid).peakMb;
    } catch {
      exited.push(`${name} (pid ${pid})`);
    }
  }
  if (exited.length > 0) result.error ??= `${exited.join(', ')} exited during the figure`;
  return {
    ...result,
    peakRssMb: exited.length > 0 ? undefined : sum(Object.values(peaks)),
    peakRssMbByProcess: peaks,
  };
}

/**
 * One result from a figure's rounds: the round with the median value (the first failure if any
 * failed), with every round's value and, per process, the highest peak of all rounds.
 */
function medianOfRounds(results) {
  if (results.length === 1) return results[0];
  const failed = results.find((result) => result.error);
  const sorted = [...results].sort((a, b) => a.value - b.value);
  const median = failed ?? sorted[Math.floor(sorted.length / 2)];
  const peakRssMbByProcess = {};
  for (const result of results) {
    for (const [name, peak] of Object.entries(result.peakRssMbByProcess)) {
      peakRssMbByProcess[name] = Math.max(peakRssMbByProcess[name] ?? 0, peak);
    }
  }
  const peaks = results.map((result) => result.peakRssMb);
  return {
    ...median,
    rounds: results.map((result) => result.value),
    peakRssMb: peaks.includes(undefined) ? undefined : Math.max(...peaks),
    peakRssMbByProcess,
  };
}

/** Each process's peak over the run (idle or any figure's), and their sum as the target's. */
function peaksOverRun(memory, label, measured) {
  for (const [name, one] of Object.entries(memory.processes)) {
    const peaks = measured
      .map((row) => row[label].peakRssMbByProcess[name])
      .filter((peak) => peak !== undefined);
    one.peakMb = Math.max(one.idleMb, ...peaks);
  }
  memory.peakMb = sum(Object.values(memory.processes).map((one) => one.peakMb));
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
      const rounds = Object.fromEntries(targets.map((target) => [target.label, []]));
      for (let round = 1; round <= (figure.rounds ?? 1); round++) {
        for (const target of inTurn(targets, round)) {
          process.stderr.write(
            `${figure.title}: ${target.label}${figure.rounds ? `, round ${round}` : ''}...\n`,
          );
          rounds[target.label].push(await measure(figure, target, earlier[target.label]));
        }
      }
      for (const target of targets) {
        row[target.label] = medianOfRounds(rounds[target.label]);
        earlier[target.label][figure.key] = row[target.label];
      }
      row.ratios = Object.fromEntries(
        targets
          .filter((target) => target.label !== 'distribution')
          .map((target) => [target.label, ratioOf(figure, row[target.label], row.distribution)]),
      );
      measured.push(row);
    }
    for (const target of targets) {
      peaksOverRun(startedTargets.memory[target.label], target.label, measured);
      startedTargets.memory[target.label].pushPullPeakMb = pushPullPeakOf(measured, target.label);
    }
    // The same data directories again: Stowage's PGlite reopens its cluster instead of running initdb.
    for (const [index, target] of targets.entries()) {
      if (!target.restart) continue;
      process.stderr.write(`restart, ${sizeLabel(SETTINGS.blobBytes)} push + pull: ${target.label}...\n`);
      try {
        const { restarted, memory } = await measureRestart(target, SETTINGS.blobBytes);
        targets[index] = restarted;
        startedTargets.memory[target.label].restart = memory;
      } catch (error) {
        startedTargets.memory[target.label].restart = { error: error.message };
      }
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
  if (results.memory['stowage-distributed']?.processes) {
    console.log();
    console.log(processMemoryTable(results, 'stowage-distributed'));
  }
  console.log(
    `\nclient alone generates and hashes ${results.settings.clientCeilingMbPerSecond.toFixed(0)} MB/s (ceiling of the push figure)`,
  );
  const hashingPull = hashingPullLine(results);
  if (hashingPull) console.log(hashingPull);
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
