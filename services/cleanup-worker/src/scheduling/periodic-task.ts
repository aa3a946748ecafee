export interface PeriodicTask<T> {
  /** Runs a pass now, or joins the one in progress; settles as that pass does. */
  tick(): Promise<T>;
  /** Stops the timer and waits for a pass in progress (without rethrowing its failure). */
  stop(): Promise<void>;
}

/**
 * The timer loop the cleanup worker's background schedulers and sweepers share: a pass every
 * `intervalMs` (counted from the end of the previous one; 0 or less: never scheduled, only when
 * `tick` is called). One pass at a time per replica: a `tick` during a pass waits for that pass
 * instead of starting a second one that would only compete with it for the same rows. A failed
 * scheduled pass is reported to `onFailure` and the loop carries on: what it left undone stays
 * due and the next tick tries again (a `tick` caller gets the failure itself). The timer is
 * unref'd, so it never keeps the process alive; after `stop` no scheduled pass starts.
 *
 * Not for the registry's GC loop (GarbageCollector), which backs off after a failure and sleeps
 * until the next review is due rather than for a fixed interval.
 */
export function startPeriodicTask<T>(options: {
  intervalMs: number;
  run: () => Promise<T>;
  onFailure: (error: unknown) => void;
}): PeriodicTask<T> {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<T> | undefined;
  let stopped = false;

  async function runOnce(): Promise<T> {
    return options.run();
  }

  function tick(): Promise<T> {
    running ??= runOnce().finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule(): void {
    if (stopped || options.intervalMs <= 0) return;
    timer = setTimeout(() => {
      tick()
        .catch((error: unknown) => options.onFailure(error))
        .finally(schedule);
    }, options.intervalMs);
    timer.unref();
  }

  schedule();
  return {
    tick,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
