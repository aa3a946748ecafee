'use strict';
// Resident memory on a first start (empty data directory: Stowage's PGlite runs initdb) and on a
// restart of the same directory: idle right after the start, and the peak while a blob of the
// run's size is pushed and then pulled. For several processes, their sum.
const { blobPull, blobPush } = require('./figures');
const { memoryOf, resetPeak } = require('./processes');

const sum = (values) => values.reduce((total, value) => total + value, 0);

/** The larger of the push and pull figures' peaks (VmHWM is reset before each figure). */
function pushPullPeakOf(figures, label) {
  const peaks = figures
    .filter((row) => row.key === 'blobPush' || row.key === 'blobPull')
    .map((row) => row[label]?.peakRssMb);
  return peaks.length === 2 && peaks.every((peak) => peak !== undefined) ? Math.max(...peaks) : undefined;
}

/**
 * Restarts `target` on its data directory, reads its idle RSS, then pushes and pulls `bytes` with
 * the peak reset first. Resolves with the restarted target, which the caller stops.
 */
async function measureRestart(target, bytes) {
  const restarted = await target.restart();
  const pids = Object.values(restarted.processes());
  const idleMb = sum(pids.map((pid) => memoryOf(pid).rssMb));
  try {
    for (const pid of pids) resetPeak(pid);
    const pushed = await blobPush(restarted, { bytes });
    await blobPull(restarted, { bytes, digest: pushed.digest });
    return { restarted, memory: { idleMb, pushPullPeakMb: sum(pids.map((pid) => memoryOf(pid).peakMb)) } };
  } catch (error) {
    return { restarted, memory: { idleMb, error: error.message } };
  }
}

module.exports = { pushPullPeakOf, measureRestart };
