import { startPeriodicTask, type PeriodicTask } from './periodic-task';

// Fake timers: a pass is a promise the test settles by hand, and time only moves when told to.

const INTERVAL_MS = 1_000;

/** A promise settled from outside, standing for a pass in progress. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Whether a promise has settled by the time pending callbacks have run. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await jest.advanceTimersByTimeAsync(0);
  return settled;
}

describe('startPeriodicTask', () => {
  let task: PeriodicTask<unknown> | undefined;

  beforeEach(() => jest.useFakeTimers());
  afterEach(async () => {
    await task?.stop();
    task = undefined;
    jest.useRealTimers();
  });

  it('joins the pass in progress instead of starting a second one', async () => {
    const pass = deferred<number>();
    const run = jest.fn(() => pass.promise);
    task = startPeriodicTask({ intervalMs: INTERVAL_MS, run, onFailure: jest.fn() });

    const first = task.tick();
    const second = task.tick();
    await jest.advanceTimersByTimeAsync(INTERVAL_MS * 3); // the timer fires during the pass too
    expect(run).toHaveBeenCalledTimes(1);
    expect(await isSettled(first)).toBe(false);

    pass.resolve(7);
    await expect(first).resolves.toBe(7);
    await expect(second).resolves.toBe(7);

    // Once it is over, the next tick starts a new pass.
    run.mockResolvedValueOnce(8);
    await expect(task.tick()).resolves.toBe(8);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('reports a failed scheduled pass and runs the next one at the next tick', async () => {
    const failure = new Error('database unavailable');
    const run = jest.fn<Promise<number>, []>().mockRejectedValueOnce(failure).mockResolvedValue(1);
    const onFailure = jest.fn();
    task = startPeriodicTask({ intervalMs: INTERVAL_MS, run, onFailure });

    await jest.advanceTimersByTimeAsync(INTERVAL_MS - 1);
    expect(run).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    expect(onFailure).toHaveBeenCalledWith(failure);

    await jest.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(run).toHaveBeenCalledTimes(2);
    expect(onFailure).toHaveBeenCalledTimes(1);
  });

  it('gives a failure of a tick call to its caller, and the next tick runs', async () => {
    const run = jest
      .fn<Promise<number>, []>()
      .mockImplementationOnce(() => {
        throw new Error('thrown before any await');
      })
      .mockResolvedValue(2);
    const onFailure = jest.fn();
    task = startPeriodicTask({ intervalMs: 0, run, onFailure });

    await expect(task.tick()).rejects.toThrow('thrown before any await');
    await expect(task.tick()).resolves.toBe(2);
    expect(onFailure).not.toHaveBeenCalled();
  });

  it('stop waits for the pass in progress, and no pass starts after it', async () => {
    const pass = deferred<number>();
    const run = jest.fn(() => pass.promise);
    task = startPeriodicTask({ intervalMs: INTERVAL_MS, run, onFailure: jest.fn() });
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(run).toHaveBeenCalledTimes(1);

    const stopped = task.stop();
    expect(await isSettled(stopped)).toBe(false);
    pass.reject(new Error('failed while stopping')); // stop does not rethrow it
    await expect(stopped).resolves.toBeUndefined();

    await jest.advanceTimersByTimeAsync(INTERVAL_MS * 10);
    expect(run).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('with an interval of 0 or less, is never scheduled but still runs on tick', async () => {
    for (const intervalMs of [0, -1]) {
      const run = jest.fn().mockResolvedValue('done');
      const periodic = startPeriodicTask({ intervalMs, run, onFailure: jest.fn() });
      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(INTERVAL_MS * 10);
      expect(run).not.toHaveBeenCalled();

      await expect(periodic.tick()).resolves.toBe('done');
      expect(run).toHaveBeenCalledTimes(1);
      await periodic.stop();
    }
  });
});
