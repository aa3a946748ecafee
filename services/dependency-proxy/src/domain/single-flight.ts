/**
 * Concurrent callers asking for the same key share one run of the work: the second request for a
 * missing manifest or blob waits for the first one's upstream fetch instead of making its own.
 * Only within one process; across replicas each may fetch once (ADR 0009).
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  /** Resolves with the result of the run for `key` in progress, or of a new run of `work`. */
  run(key: string, work: () => Promise<T>): { result: Promise<T>; leader: boolean } {
    const existing = this.running.get(key);
    if (existing) return { result: existing, leader: false };
    const result = work().finally(() => this.running.delete(key));
    this.running.set(key, result);
    return { result, leader: true };
  }

  /** Runs in progress (for tests and metrics). */
  get size(): number {
    return this.running.size;
  }
}
