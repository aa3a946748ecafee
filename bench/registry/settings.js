'use strict';
// What the run measures, from the environment so a quick smaller run needs no edit.
const MiB = 1024 * 1024;

const SETTINGS = {
  blobBytes: Number(process.env.BENCH_BLOB_BYTES ?? 1024 * MiB),
  /**
   * Rounds of the blob push and pull, each target in turn, of which the median counts: a 1 GiB
   * write's kernel time alone moves 2-10x with the state of the VM's memory, from one push to
   * the next, whichever registry makes it.
   */
  transferRounds: Number(process.env.BENCH_TRANSFER_ROUNDS ?? 3),
  wrk: { threads: 2, connections: 32, seconds: Number(process.env.BENCH_WRK_SECONDS ?? 10) },
  pullLayers: 5,
  pullLayerBytes: Number(process.env.BENCH_LAYER_MIB ?? 20) * MiB,
  /**
   * Rounds of `docker pull` (one pull of each target per round, the order turning each round; see
   * run.js inTurn), of which the median counts: a multiple of 3 puts each target in each position
   * equally often. One pull moves by ±15% from the next, whichever registry serves it: 9 rounds
   * once put both Stowage targets 10% behind, 30 rounds on the same code 1% ahead and 0.4% behind.
   */
  pullRepetitions: Number(process.env.BENCH_PULL_REPETITIONS ?? 15),
  /** All three by default; a subset (e.g. `stowage-distributed`) to measure only those registries. */
  targets: (process.env.BENCH_TARGETS ?? 'distribution,stowage,stowage-distributed').split(','),
  /** Issue 12's bound on each distributed service process's RSS; the report marks processes above it. */
  distributedProcessLimitMb: 150,
};

// Both registries serve the same repository name; Stowage needs its group and project to exist.
const NAMING = { group: 'bench', project: 'app', image: 'image' };
const REPOSITORY = `${NAMING.group}/${NAMING.project}/${NAMING.image}`;

/** `1 GiB`, `64 MiB`: sizes in the figures' titles, so a smaller run says so. */
const sizeLabel = (bytes) =>
  bytes % (1024 * MiB) === 0 ? `${bytes / 1024 / MiB} GiB` : `${(bytes / MiB).toFixed(0)} MiB`;

module.exports = { MiB, SETTINGS, NAMING, REPOSITORY, sizeLabel };
