import { describeError, type BusLogger } from '../bus-logger';
import type { DomainEvent, EventHandler, Subscription } from '../ports';
import { topicMatches } from '../topic-pattern';

/**
 * One every-replica subscription of the in-process bus. In standalone mode every "replica" lives
 * in this process, so each subscription simply gets its own copy of every matching event, handled
 * one at a time in publication order, like the RabbitMQ adapter's private queue with prefetch 1.
 * A handler that throws is logged and the event dropped, as there.
 */
export class EveryReplicaListener implements Subscription {
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly name: string,
    private readonly patterns: readonly string[],
    private readonly handler: EventHandler,
    private readonly logger: BusLogger,
  ) {}

  matches(type: string): boolean {
    return this.patterns.some((pattern) => topicMatches(pattern, type));
  }

  /** Queues `event` behind the ones already waiting; never runs the handler inside the caller. */
  deliver(event: DomainEvent): void {
    if (this.closed) return;
    const previous = this.tail;
    this.tail = (async () => {
      await previous;
      if (this.closed) return;
      try {
        await this.handler(event);
      } catch (error) {
        this.logger.error('bus: every-replica handler failed; event dropped', {
          subscription: this.name,
          id: event.id,
          type: event.type,
          error: describeError(error),
        });
      }
    })();
  }

  /** Lets the running handler finish; events still waiting behind it are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
  }
}
