import type { ConsumeOptions, DomainEvent, EventBus, EventHandler, Subscription } from '@stowage/bus';

/** What the broker "does" with the next publish. */
export type PublishBehaviour = 'accept' | 'reject';

/**
 * Wraps a real EventBus so a test can make the broker fail or stall, and see every event the
 * relay handed over successfully, in order, as soon as it was handed over.
 */
export class ControllableEventBus implements EventBus {
  /** Events whose publish resolved, in publication order. */
  readonly published: DomainEvent[] = [];
  /** When each event's publish resolved (after the inner bus confirmed it), by event id. */
  readonly confirmedAt = new Map<string, Date>();
  /** Publish calls that rejected. */
  failures = 0;
  behaviour: PublishBehaviour = 'accept';
  /** When set, every publish waits for it before reaching the inner bus. */
  gate: Promise<void> | undefined;
  /** Pause before each publish, so concurrent relays overlap as they would on a real broker. */
  latencyMs = 0;
  /** Called when a publish starts (before the gate). */
  onPublish: ((event: DomainEvent) => void) | undefined;

  constructor(private readonly inner: EventBus) {}

  async publish(event: DomainEvent): Promise<void> {
    this.onPublish?.(event);
    if (this.gate) await this.gate;
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (this.behaviour === 'reject') {
      this.failures++;
      throw new Error('broker unavailable (test)');
    }
    await this.inner.publish(event);
    this.published.push(event);
    this.confirmedAt.set(event.id, new Date());
  }

  subscribe(
    group: string,
    patterns: string[],
    handler: EventHandler,
    options?: ConsumeOptions,
  ): Promise<Subscription> {
    return this.inner.subscribe(group, patterns, handler, options);
  }

  subscribeEveryReplica(name: string, patterns: string[], handler: EventHandler): Promise<Subscription> {
    return this.inner.subscribeEveryReplica(name, patterns, handler);
  }

  checkHealth(): Promise<void> {
    return this.inner.checkHealth();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** How many times each event id was published. */
  deliveriesById(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const event of this.published) counts.set(event.id, (counts.get(event.id) ?? 0) + 1);
    return counts;
  }
}
