import { readFile, writeFile } from 'node:fs/promises';

/**
 * The most resident memory a running process has had since it started (VmHWM, "high water
 * mark", from /proc/<pid>/status), in bytes, since it started or resetPeakResident: the peak a
 * memory limit would have had to allow.
 */
export async function peakResidentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no VmHWM line`);
  return Number(match[1]) * 1024;
}

/** Current resident set size (VmRSS) of a process. */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(match[1]) * 1024;
}

/** Restarts VmHWM from the current RSS (Linux `clear_refs` 5), so a peak measures one step. */
export async function resetPeakResident(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}
