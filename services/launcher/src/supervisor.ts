import type { ChildProcess } from 'node:child_process';

/** How a child process ended, as Node reports it: an exit code or the signal that killed it. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BackoffOptions {
  /** Wait before the first restart after a crash. */
  initialDelayMs: number;
  /** The wait doubles with each consecutive crash up to this cap. */
  maxDelayMs: number;
  /**
   * A process that stayed up this long before it died counts as having recovered: the next
   * restart waits `initialDelayMs` again. A process that keeps dying soon after start keeps
   * doubling the wait, so a broken dependency (database down) is not hammered.
   */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  resetAfterMs: 60_000,
};

/**
 * Exit code 2 is what `runMain` (libs/runtime/src/run-main.ts) exits with on a configuration
 * error. The environment is fixed for the launcher's lifetime, so a restart would fail the same way.
 */
export const CONFIGURATION_ERROR_EXIT_CODE = 2;

export interface SupervisorLogger {
  info(message: string, meta?: object): unknown;
  warn(message: string, meta?: object): unknown;
  error(message: string, meta?: object): unknown;
}

export interface SupervisorOptions {
  /** The service's name, in every log line (as `name`: the launcher's own `service` stays `launcher`). */
  name: string;
  /** Starts one process of the service; called again for each restart. */
  spawn: () => ChildProcess;
  logger: SupervisorLogger;
  backoff?: Partial<BackoffOptions>;
  /** After SIGTERM, how long `stop()` waits before it sends SIGKILL. */
  stopGraceMs?: number;
  /** Exit codes that are never restarted; by default the configuration error's. */
  noRestartExitCodes?: readonly number[];
  /** The clock the backoff reset is measured with; tests inject their own. */
  now?: () => number;
  /**
   * Called when the process exited unexpectedly and will not be restarted: restarts are not
   * enabled yet (start-up), or it exited with one of `noRestartExitCodes`.
   */
  onGiveUp?: (status: ExitStatus) => void;
}

const DEFAULT_STOP_GRACE_MS = 10_000;

interface RunningChild {
  process: ChildProcess;
  /** Resolves once Node has reported the exit (or that the process never started). */
  exited: Promise<ExitStatus>;
}

/**
 * Owns the life cycle of one service's OS process: starts it, restarts it with exponential
 * backoff when it dies unexpectedly, and stops it (SIGTERM, then SIGKILL after a grace period).
 *
 * Restarting is off until `enableRestarts()`: while the launcher is still starting the suite, a
 * process that dies most likely has a broken configuration or dependency, and the launcher should
 * fail loudly rather than loop. After that, any unexpected exit (a crash, a kill -9, even exit
 * code 0, since nobody asked it to stop) is restarted, except the exit codes in
 * `noRestartExitCodes` (configuration error), which are handed to `onGiveUp`.
 */
export class Supervisor {
  private readonly backoff: BackoffOptions;
  private readonly stopGraceMs: number;
  private readonly noRestartExitCodes: readonly number[];
  private readonly now: () => number;
  private current: RunningChild | undefined;
  private startedAt = 0;
  /** Consecutive restarts since the process last stayed up for `resetAfterMs`. */
  private attempt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartsEnabled = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: SupervisorOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    this.noRestartExitCodes = options.noRestartExitCodes ?? [CONFIGURATION_ERROR_EXIT_CODE];
    this.now = options.now ?? Date.now;
  }

  get name(): string {
    return this.options.name;
  }

  /** The pid of the running process; undefined while it is down (waiting for a restart, or stopped). */
  get pid(): number | undefined {
    return this.current?.process.pid;
  }

  start(): void {
    if (this.current || this.stopping) throw new Error(`${this.name} was already started`);
    this.launch();
  }

  /** From now on an unexpected exit is restarted with backoff instead of handed to `onGiveUp`. */
  enableRestarts(): void {
    this.restartsEnabled = true;
  }

  /**
   * Cancels a pending restart, sends SIGTERM to the running process, SIGKILL if it is still there
   * after the grace period, and resolves once it has exited. Calling it again returns the same promise.
   */
  stop(): Promise<void> {
    this.stopping ??= this.terminate();
    return this.stopping;
  }

  private async terminate(): Promise<void> {
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
      this.options.logger.info('pending restart cancelled: stopping', { name: this.name });
    }
    const child = this.current;
    if (!child) return;
    child.process.kill('SIGTERM');
    const killTimer = setTimeout(() => {
      this.options.logger.warn('service did not exit after SIGTERM; sending SIGKILL', {
        name: this.name,
        pid: child.process.pid,
        graceMs: this.stopGraceMs,
      });
      child.process.kill('SIGKILL');
    }, this.stopGraceMs);
    try {
      await child.exited;
    } finally {
      clearTimeout(killTimer);
    }
  }

  private launch(): void {
    const spawned = this.options.spawn();
    this.startedAt = this.now();
    let reportExit: (status: ExitStatus) => void = () => undefined;
    const exited = new Promise<ExitStatus>((resolve) => (reportExit = resolve));
    const child: RunningChild = { process: spawned, exited };
    this.current = child;
    let ended = false;
    const end = (status: ExitStatus) => {
      if (ended) return;
      ended = true;
      if (this.current === child) this.current = undefined;
      reportExit(status);
      this.exitedUnasked(spawned.pid, status);
    };
    spawned.once('exit', (code, signal) => end({ code, signal }));
    spawned.on('error', (error) => {
      // Without a pid the process never started and Node may not emit 'exit'; with one, the
      // error is about a kill() that failed, and 'exit' still follows.
      if (spawned.pid === undefined) {
        this.options.logger.error('service could not be spawned', { name: this.name, error });
        end({ code: null, signal: null });
      }
    });
  }

  private exitedUnasked(pid: number | undefined, status: ExitStatus): void {
    if (this.stopping) return; // we asked it to exit
    const { logger } = this.options;
    const upMs = this.now() - this.startedAt;
    const refused = status.code !== null && this.noRestartExitCodes.includes(status.code);
    if (!this.restartsEnabled || refused) {
      logger.error(
        refused
          ? 'service exited with a code that restarting cannot fix; not restarting it'
          : 'service exited during start-up; not restarting it',
        { name: this.name, pid, ...status, upMs },
      );
      this.options.onGiveUp?.(status);
      return;
    }
    if (upMs >= this.backoff.resetAfterMs) this.attempt = 0;
    this.attempt += 1;
    const attempt = this.attempt;
    const delayMs = Math.min(this.backoff.initialDelayMs * 2 ** (attempt - 1), this.backoff.maxDelayMs);
    logger.warn('service exited unexpectedly; restarting it', {
      name: this.name,
      pid,
      ...status,
      upMs,
      attempt,
      delayMs,
    });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.launch();
      logger.info('service restarted', { name: this.name, pid: this.pid, attempt });
    }, delayMs);
  }
}
