import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Pids of the direct children of `pid` (empty when it has none or is gone). */
export async function childPids(pid: number): Promise<number[]> {
  try {
    const { stdout } = await run('pgrep', ['-P', String(pid)]);
    return stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(Number);
  } catch (error) {
    // pgrep exits 1 when nothing matched.
    if ((error as { code?: unknown }).code === 1) return [];
    throw error;
  }
}

/** The command line of a running process, arguments joined by spaces; undefined when it is gone. */
export async function commandLine(pid: number): Promise<string | undefined> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter(Boolean).join(' ');
  } catch {
    return undefined;
  }
}

/** True while `pid` exists and is not a zombie (a zombie has exited; only its parent has not reaped it). */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The state follows the parenthesised command name, which may itself contain spaces.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/**
 * Pids of this user's processes whose environment holds `name=value`. Give the processes under
 * test a variable with a value unique to the run (a generated prefix, a temp directory) and this
 * finds all of them, grandchildren and orphans included, and never anyone else's process.
 */
export async function pidsWithEnvironment(name: string, value: string): Promise<number[]> {
  const wanted = `${name}=${value}`;
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = await readFile(`/proc/${entry}/environ`, 'utf8');
      if (environ.split('\0').includes(wanted)) pids.push(Number(entry));
    } catch {
      // gone, or another user's process
    }
  }
  return pids;
}

/** Sends SIGKILL to each pid that is still alive; for clean-up after a failed test. */
export function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited in between
    }
  }
}
