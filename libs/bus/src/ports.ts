/**
 * Ports for asynchronous messaging between services. Events are facts fanned out to every
 * interested service (topic exchange); jobs are work items taken by exactly one of many
 * competing workers (durable queues).
 */

/** A domain event as it travels on the bus. */
export interface DomainEvent<P = unknown> {
  /** Unique id; consumers use it to drop redeliveries (idempotency). */
  id: string;
  /** Dotted routing key, e.g. `container.manifest.pushed`. */
  type: string;
  /** ISO-8601 time the change happened. */
  occurredAt: string;
  /** Service that produced the event, e.g. `registry`. */
  source: string;
  payload: P;
}

export type EventHandler = (event: DomainEvent) => Promise<void>;

export interface Subscription {
  /** Stops delivering to this handler; in-flight handlers finish first. */
  close(): Promise<void>;
}

export interface EventBus {
  /** Publishes an event; resolves once the broker has confirmed it (publisher confirms). */
  publish(event: DomainEvent): Promise<void>;
  /**
   * Delivers every event whose type matches one of `patterns` (AMQP topic syntax: `*` one word,
   * `#` zero or more) to `handler`. `group` names a durable subscriber: replicas sharing a group
   * share one queue, so each event reaches one replica of each group. A handler that throws has the
   * event redelivered (bounded retries, then dead-lettered); `options` set prefetch, attempts and
   * backoff as for jobs. Resolves once the group's queue is bound and the consumer is attached.
   */
  subscribe(
    group: string,
    patterns: string[],
    handler: EventHandler,
    options?: ConsumeOptions,
  ): Promise<Subscription>;
  /**
   * Delivers every event whose type matches one of `patterns` to `handler` in every process that
   * calls it (every replica), where `subscribe` hands each event to one replica of a group. For
   * state each replica keeps in memory: a key cache, a revocation list, cached auth decisions.
   * The subscription lives only as long as this process is attached: events published before it
   * resolves, or while the connection is down, are not delivered to it. Nothing is retried: a
   * handler that throws is logged and the event dropped. Events reach the handler one at a time,
   * in the order this replica received them. `name` labels the subscription in logs and in the
   * broker's consumer list (it need not be unique). Resolves once the consumer is attached.
   */
  subscribeEveryReplica(name: string, patterns: string[], handler: EventHandler): Promise<Subscription>;
  /** Resolves when the bus can publish and consume; rejects with the reason otherwise. */
  checkHealth(): Promise<void>;
  /** Stops consumers, waits for in-flight handlers, closes connections the bus owns. */
  close(): Promise<void>;
}

/** A unit of work on a named queue. */
export interface Job<P = unknown> {
  id: string;
  queue: string;
  payload: P;
  /** 1 on first delivery, incremented on each retry. */
  attempt: number;
}

export type JobHandler = (job: Job) => Promise<void>;

export interface EnqueueOptions {
  /** Deliver no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Caller-chosen id; defaults to a random UUID. */
  id?: string;
}

export interface ConsumeOptions {
  /** How many unacknowledged jobs one consumer holds at once. Default 1. */
  prefetch?: number;
  /** Attempts before a job is dead-lettered. Default 5. */
  maxAttempts?: number;
  /** Backoff before retry n is `baseBackoffMs * 2^(n-1)`. Default 1000. */
  baseBackoffMs?: number;
}

export interface JobQueue {
  /** Durably enqueues a job; resolves once the broker has confirmed it. */
  enqueue(queue: string, payload: unknown, options?: EnqueueOptions): Promise<string>;
  /**
   * Competing consumer: each job goes to one consumer. The job is acknowledged when `handler`
   * resolves; if it throws, the job is retried with backoff up to `maxAttempts`, then moved to the
   * queue's dead-letter queue (`<queue>.dead`).
   */
  consume(queue: string, handler: JobHandler, options?: ConsumeOptions): Promise<Subscription>;
  /** Jobs that exhausted their retries, oldest first (for operators and tests). */
  deadLetters(queue: string): Promise<Job[]>;
  /** Resolves when jobs can be enqueued and consumed; rejects with the reason otherwise. */
  checkHealth(): Promise<void>;
  /** Stops consumers, waits for in-flight handlers, closes connections the queue owns. */
  close(): Promise<void>;
}
