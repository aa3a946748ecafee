import { readFile } from 'node:fs/promises';

/**
 * The most resident memory a running process has had since it started (VmHWM, "high water
 * mark", from /proc/<pid>/status), in bytes: the peak a memory limit would have had to allow.
 */
export async function peakResidentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no VmHWM line`);
  return Number(match[1]) * 1024;
}
