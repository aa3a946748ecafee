import type { ChildProcess } from 'node:child_process';

/**
 * Stops a server the tests started: SIGTERM, then SIGKILL if it has not exited within
 * `timeoutMs`. Resolves once it has exited (at once if it already had).
 */
export function terminateProcess(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
