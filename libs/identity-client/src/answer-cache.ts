/**
 * Recent answers by key, each for `ttlMs`, at most `maxEntries` of them (the oldest goes first).
 * `clear` also makes answers to requests already in flight uncacheable: a request that started
 * before an identity change may come back with the old state, and must not be kept after it.
 */
export class AnswerCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAtMs: number }>();
  private generationCounter = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Changes on every `clear`; pass the value read before a request to `set` after it. */
  get generation(): number {
    return this.generationCounter;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Keeps `value` unless the cache was cleared since `generation` was read. */
  set(key: string, value: V, generation: number): void {
    if (this.ttlMs <= 0 || this.maxEntries <= 0 || generation !== this.generationCounter) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAtMs: this.now() + this.ttlMs });
    // Map iteration is insertion order, so the first keys are the oldest answers.
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.generationCounter++;
    this.entries.clear();
  }
}
