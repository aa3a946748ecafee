import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The workspace root; scripts are given relative to it, as a user runs them from a checkout. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One parsed line of a process's JSON log. */
export type LogLine = Record<string, unknown>;

/** A Node process a test started, with everything it printed kept for assertions and failure messages. */
export interface NodeProcess {
  readonly pid: number;
  /** Resolves when the process has exited; never rejects. */
  readonly exited: Promise<ExitStatus>;
  hasExited(): boolean;
  stdout(): string;
  stderr(): string;
  /** Non-empty stdout lines that are not JSON objects (a process logging JSON lines prints none). */
  nonJsonStdoutLines(): string[];
  /** Stdout lines parsed as JSON objects, in order. */
  logs(): LogLine[];
  /**
   * Resolves with the first log line `matches` accepts, waiting for more output if needed;
   * rejects when the process exits or `timeoutMs` passes first.
   */
  waitForLog(matches: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
  /** Sends `signal` (no-op once the process has exited). */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL if it is still running after `graceMs`; resolves with how it exited. */
  stop(graceMs?: number): Promise<ExitStatus>;
  /** The tail of stdout and stderr, for failure messages. */
  describe(): string;
}

/**
 * Only what node needs from the test's own environment: the process under test must see the
 * variables the test sets and nothing Jest or the developer's shell happens to export.
 */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  if (process.env.TMPDIR) base.TMPDIR = process.env.TMPDIR;
  return { ...base, ...env };
}

function parseLogLine(line: string): LogLine | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as LogLine)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `node <script> <args>` from the workspace root with exactly `env` (plus PATH). The process
 * is killed if the test process exits first, so a failed test leaves no server behind.
 */
export function startNodeScript(
  script: string,
  env: Record<string, string>,
  args: readonly string[] = [],
): NodeProcess {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: REPO_ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start node ${script}`);
  let stdout = '';
  let stderr = '';
  let running = true;
  let status: ExitStatus | undefined;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((listener) => listener());
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    notify();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<ExitStatus>((resolve) => {
    // 'close' rather than 'exit': by then stdout and stderr have been read to the end.
    child.once('close', (code, signal) => {
      running = false;
      status = { code, signal };
      process.off('exit', killOnExit);
      notify();
      resolve(status);
    });
  });

  const completeLines = () => stdout.split('\n').slice(0, -1);
  const logs = () =>
    completeLines()
      .map(parseLogLine)
      .filter((line): line is LogLine => line !== undefined);
  const describe = () =>
    `node ${script} (pid ${child.pid}, ${status ? `exited ${JSON.stringify(status)}` : 'running'}) stdout:\n${stdout.slice(-4000)}\nstderr:\n${stderr.slice(-4000)}`;

  const waitForLog = (matches: (line: LogLine) => boolean, timeoutMs: number) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = logs().find(matches);
        if (found) finish(() => resolve(found));
        else if (!running)
          finish(() => reject(new Error(`exited before the expected log line; ${describe()}`)));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`no matching log line within ${timeoutMs} ms; ${describe()}`))),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      check();
    });

  return {
    pid: child.pid,
    exited,
    hasExited: () => !running,
    stdout: () => stdout,
    stderr: () => stderr,
    nonJsonStdoutLines: () => completeLines().filter((line) => line.trim() !== '' && !parseLogLine(line)),
    logs,
    waitForLog,
    signal(signal) {
      if (running) child.kill(signal);
    },
    async stop(graceMs = 30_000) {
      if (!running) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    describe,
  };
}

export interface CompletedRun extends ExitStatus {
  stdout: string;
  stderr: string;
}

/** Runs `node <script>` to completion (killed after `timeoutMs`), for processes expected to exit. */
export async function runNodeScript(
  script: string,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<CompletedRun> {
  const started = startNodeScript(script, env);
  const timer = setTimeout(() => started.signal('SIGKILL'), timeoutMs);
  try {
    const status = await started.exited;
    return { ...status, stdout: started.stdout(), stderr: started.stderr() };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A loopback port nobody listens on right now: listen on 0, read the port, close. Another
 * process may take it before the caller binds it, which is rare enough on a test machine.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface WaitUntilOptions {
  timeoutMs: number;
  /** Named in the timeout error, e.g. "the gateway to be ready". */
  description: string;
  intervalMs?: number;
  /** Returns a reason to stop waiting at once (e.g. the server exited), or undefined to go on. */
  giveUpIf?: () => string | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `attempt` until it returns something other than undefined. A throwing attempt counts as
 * "not yet"; its message is quoted when time runs out, since it usually says why.
 */
export async function waitUntil<T>(
  attempt: () => Promise<T | undefined>,
  options: WaitUntilOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastProblem: string;
  for (;;) {
    const reason = options.giveUpIf?.();
    if (reason) throw new Error(`gave up waiting for ${options.description}: ${reason}`);
    try {
      const result = await attempt();
      if (result !== undefined) return result;
      lastProblem = 'condition not met yet';
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${options.description}: ${lastProblem}`,
      );
    }
    await sleep(options.intervalMs ?? 200);
  }
}

/** A fresh directory under the system temp dir, e.g. for a DATA_DIR. */
export function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `stowage-${prefix}-`));
}

export function removeDir(dir: string | undefined): Promise<void> {
  return dir ? rm(dir, { recursive: true, force: true }) : Promise.resolve();
}
