import { describeError, type BusLogger } from '../bus-logger';
import { BusClosedError } from '../errors';
import { InFlight } from '../in-flight';
import type { Subscription } from '../ports';
import { backoffDelayMs, type RetryPolicy } from '../validation';

/** One message in a queue; `attempt` is the delivery it is waiting for (1 = first). */
export interface QueuedMessage<T> {
  id: string;
  body: T;
  attempt: number;
}

export type MessageHandler<T> = (message: QueuedMessage<T>) => Promise<void>;

interface Consumer<T> {
  handler: MessageHandler<T>;
  policy: RetryPolicy;
  active: number;
  inFlight: InFlight;
}

/**
 * An in-memory stand-in for one durable RabbitMQ queue: messages wait here until a consumer
 * has room (prefetch), consumers compete round-robin, failures come back after a backoff, and
 * messages that exhaust their attempts move to `dead`. Retry policy belongs to the consumer
 * that failed, as it does with the RabbitMQ adapter. Nothing survives the process.
 */
export class MemoryQueue<T> {
  private readonly ready: QueuedMessage<T>[] = [];
  private readonly consumers: Consumer<T>[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly dead: QueuedMessage<T>[] = [];
  private nextConsumer = 0;
  private disposed = false;

  constructor(
    private readonly name: string,
    private readonly logger: BusLogger,
  ) {}

  /** Adds a message, now or after `delayMs`. */
  push(message: QueuedMessage<T>, delayMs = 0): void {
    if (this.disposed) throw new BusClosedError(`queue ${this.name}`);
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.push(message);
      }, delayMs);
      // A 24-hour GC review must not keep a finished process alive.
      timer.unref();
      this.timers.add(timer);
      return;
    }
    this.ready.push(message);
    this.dispatch();
  }

  /** Registers a competing consumer; its subscription's close waits for its running handlers. */
  addConsumer(handler: MessageHandler<T>, policy: RetryPolicy): Subscription {
    const consumer: Consumer<T> = { handler, policy, active: 0, inFlight: new InFlight() };
    this.consumers.push(consumer);
    this.dispatch();
    return {
      close: async () => {
        const index = this.consumers.indexOf(consumer);
        if (index >= 0) this.consumers.splice(index, 1);
        await consumer.inFlight.idle();
      },
    };
  }

  /** Messages that exhausted their attempts, oldest first. */
  deadLetters(): QueuedMessage<T>[] {
    return [...this.dead];
  }

  /** Drops pending timers (delayed and retrying messages are lost, as documented). */
  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private dispatch(): void {
    while (this.ready.length > 0) {
      const consumer = this.nextFreeConsumer();
      if (!consumer) return;
      const message = this.ready.shift()!;
      consumer.active++;
      consumer.inFlight.track(() => this.deliver(consumer, message));
    }
  }

  private nextFreeConsumer(): Consumer<T> | undefined {
    for (let i = 0; i < this.consumers.length; i++) {
      const index = (this.nextConsumer + i) % this.consumers.length;
      const consumer = this.consumers[index]!;
      if (consumer.active < consumer.policy.prefetch) {
        this.nextConsumer = index + 1;
        return consumer;
      }
    }
    return undefined;
  }

  private async deliver(consumer: Consumer<T>, message: QueuedMessage<T>): Promise<void> {
    try {
      // Handlers start on a later tick, as broker deliveries do, never inside push().
      await Promise.resolve();
      await consumer.handler(message);
    } catch (error) {
      this.retryOrBury(consumer.policy, message, error);
    } finally {
      consumer.active--;
      if (!this.disposed) this.dispatch();
    }
  }

  private retryOrBury(policy: RetryPolicy, message: QueuedMessage<T>, error: unknown): void {
    const meta = { queue: this.name, id: message.id, attempt: message.attempt, error: describeError(error) };
    if (message.attempt >= policy.maxAttempts) {
      this.logger.error('bus: message exhausted its attempts, dead-lettered', meta);
      this.dead.push(message);
      return;
    }
    const delayMs = backoffDelayMs(policy, message.attempt);
    this.logger.warn('bus: handler failed, will retry', { ...meta, delayMs });
    if (!this.disposed) this.push({ ...message, attempt: message.attempt + 1 }, delayMs);
  }
}
