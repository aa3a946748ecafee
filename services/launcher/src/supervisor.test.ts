import { spawn, type ChildProcess } from 'node:child_process';
import { Supervisor, type ExitStatus, type SupervisorOptions } from './supervisor';

// Real child processes (tiny `node -e` scripts), real signals; only the backoff is shortened so
// the tests run in well under a second each.

/** Runs until signalled; prints "ready" once its signal handlers are in place. */
const LONG_RUNNING = "setInterval(() => {}, 1000); console.log('ready');";
const IGNORES_SIGTERM = "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('ready');";
const exitsWith = (code: number) => `process.exit(${code});`;

interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  meta: Record<string, unknown>;
}

/** A logger that keeps what it was given, for assertions (injected, not mocked). */
function recordingLogger() {
  const entries: LogEntry[] = [];
  const record = (level: LogEntry['level']) => (message: string, meta?: object) => {
    entries.push({ level, message, meta: { ...meta } });
  };
  return { entries, logger: { info: record('info'), warn: record('warn'), error: record('error') } };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(condition: () => T | undefined | false, description: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const result = condition();
    if (result !== undefined && result !== false) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves when the child has printed "ready" (its signal handlers are installed). */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', () => reject(new Error('exited before it was ready')));
  });
}

const supervisors: Supervisor[] = [];

function supervise(script: string, options: Partial<SupervisorOptions> = {}) {
  const { entries, logger } = recordingLogger();
  const spawned: ChildProcess[] = [];
  const supervisor = new Supervisor({
    name: 'tiny',
    logger,
    spawn: () => {
      const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      spawned.push(child);
      return child;
    },
    backoff: { initialDelayMs: 10, maxDelayMs: 40, resetAfterMs: 60_000 },
    ...options,
  });
  supervisors.push(supervisor);
  const restarts = () => entries.filter((entry) => entry.message.includes('restarting'));
  return { supervisor, entries, spawned, restarts };
}

afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((supervisor) => supervisor.stop()));
});

describe('Supervisor', () => {
  it('when a child is killed with SIGKILL, then it is restarted and the death and restart are logged', async () => {
    const { supervisor, entries, spawned } = supervise(LONG_RUNNING);
    supervisor.enableRestarts();
    supervisor.start();
    const firstPid = supervisor.pid!;
    await ready(spawned[0]!);

    process.kill(firstPid, 'SIGKILL');
    const secondPid = await waitFor(
      () => supervisor.pid !== undefined && supervisor.pid !== firstPid && supervisor.pid,
      'a new process',
    );

    expect(isRunning(secondPid)).toBe(true);
    expect(entries).toContainEqual({
      level: 'warn',
      message: 'service exited unexpectedly; restarting it',
      meta: expect.objectContaining({
        name: 'tiny',
        pid: firstPid,
        code: null,
        signal: 'SIGKILL',
        attempt: 1,
        delayMs: 10,
      }),
    });
    expect(entries).toContainEqual({
      level: 'info',
      message: 'service restarted',
      meta: { name: 'tiny', pid: secondPid, attempt: 1 },
    });
  });

  it('when a child keeps crashing, then each restart waits twice as long, up to the cap', async () => {
    const { supervisor, restarts } = supervise(exitsWith(1));
    supervisor.enableRestarts();
    supervisor.start();

    await waitFor(() => restarts().length >= 5, 'five restarts');
    await supervisor.stop();

    expect(
      restarts()
        .slice(0, 5)
        .map((entry) => [entry.meta.attempt, entry.meta.delayMs]),
    ).toEqual([
      [1, 10],
      [2, 20],
      [3, 40],
      [4, 40],
      [5, 40],
    ]);
    expect(restarts()[0]?.meta).toMatchObject({ code: 1, signal: null });
  });

  it('when a restarted child stayed up longer than resetAfterMs, then the next restart starts the backoff over', async () => {
    let now = 0;
    const { supervisor, spawned, restarts } = supervise(LONG_RUNNING, {
      backoff: { initialDelayMs: 10, maxDelayMs: 1000, resetAfterMs: 1000 },
      now: () => now,
    });
    supervisor.enableRestarts();
    supervisor.start();
    const crashAfter = async (upMs: number) => {
      const child = spawned[spawned.length - 1]!;
      await ready(child);
      now += upMs;
      child.kill('SIGKILL');
      const count = restarts().length;
      await waitFor(() => restarts().length > count, 'the crash to be noticed');
      await waitFor(() => spawned.length > count + 1, 'the restart');
    };

    await crashAfter(5);
    await crashAfter(5);
    await crashAfter(1000);

    expect(restarts().map((entry) => [entry.meta.attempt, entry.meta.delayMs])).toEqual([
      [1, 10],
      [2, 20],
      [1, 10],
    ]);
  });

  it('when stop() is called while a restart is pending, then it cancels it, resolves, and no child runs', async () => {
    const { supervisor, entries, spawned, restarts } = supervise(LONG_RUNNING, {
      backoff: { initialDelayMs: 60_000 },
    });
    supervisor.enableRestarts();
    supervisor.start();
    const pid = supervisor.pid!;
    await ready(spawned[0]!);
    process.kill(pid, 'SIGKILL');
    await waitFor(() => restarts().length === 1, 'the restart to be scheduled');

    await supervisor.stop();

    expect(supervisor.pid).toBeUndefined();
    expect(isRunning(pid)).toBe(false);
    expect(spawned).toHaveLength(1);
    expect(entries.map((entry) => entry.message)).toContain('pending restart cancelled: stopping');
  });

  it('when stop() is called while the child runs, then it exits on SIGTERM and is not restarted', async () => {
    const { supervisor, spawned, restarts } = supervise(LONG_RUNNING);
    supervisor.enableRestarts();
    supervisor.start();
    const pid = supervisor.pid!;
    await ready(spawned[0]!);
    const exited = new Promise<ExitStatus>((resolve) =>
      spawned[0]!.once('exit', (code, signal) => resolve({ code, signal })),
    );

    await supervisor.stop();

    expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(isRunning(pid)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50)); // longer than the backoff
    expect(spawned).toHaveLength(1);
    expect(restarts()).toEqual([]);
  });

  it('when a child ignores SIGTERM, then stop() sends SIGKILL after the grace period', async () => {
    const { supervisor, entries, spawned } = supervise(IGNORES_SIGTERM, { stopGraceMs: 200 });
    supervisor.start();
    const pid = supervisor.pid!;
    await ready(spawned[0]!);
    const exited = new Promise<ExitStatus>((resolve) =>
      spawned[0]!.once('exit', (code, signal) => resolve({ code, signal })),
    );

    await supervisor.stop();

    expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(isRunning(pid)).toBe(false);
    expect(entries.map((entry) => entry.message)).toContain(
      'service did not exit after SIGTERM; sending SIGKILL',
    );
  });

  it('when a child exits with code 2 (configuration error), then it is not restarted and onGiveUp hears of it', async () => {
    const givenUp: ExitStatus[] = [];
    const { supervisor, spawned, entries } = supervise(exitsWith(2), {
      onGiveUp: (status) => givenUp.push(status),
    });
    supervisor.enableRestarts();
    supervisor.start();

    await waitFor(() => givenUp.length > 0, 'onGiveUp');
    await new Promise((resolve) => setTimeout(resolve, 50)); // longer than the backoff

    expect(givenUp).toEqual([{ code: 2, signal: null }]);
    expect(spawned).toHaveLength(1);
    expect(supervisor.pid).toBeUndefined();
    expect(entries).toContainEqual(
      expect.objectContaining({ level: 'error', meta: expect.objectContaining({ name: 'tiny', code: 2 }) }),
    );
  });

  it('when a child dies before enableRestarts() (start-up), then it is not restarted and onGiveUp hears of it', async () => {
    const givenUp: ExitStatus[] = [];
    const { supervisor, spawned } = supervise(exitsWith(1), { onGiveUp: (status) => givenUp.push(status) });
    supervisor.start();

    await waitFor(() => givenUp.length > 0, 'onGiveUp');
    await new Promise((resolve) => setTimeout(resolve, 50)); // longer than the backoff

    expect(givenUp).toEqual([{ code: 1, signal: null }]);
    expect(spawned).toHaveLength(1);
  });
});
