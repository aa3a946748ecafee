import { randomUUID } from 'node:crypto';
import { silentBusLogger, type BusLogger } from '../bus-logger';
import { BusClosedError } from '../errors';
import type { ConsumeOptions, EnqueueOptions, Job, JobHandler, JobQueue, Subscription } from '../ports';
import { assertValidDelay, assertValidName, resolveConsumeOptions, toJson } from '../validation';
import { MemoryQueue } from './memory-queue';
import type { InProcessBusOptions } from './in-process-bus-options';
import { OpenSubscriptions } from '../open-subscriptions';

/**
 * Job queue for standalone mode, with the RabbitMQ adapter's semantics (competing consumers,
 * prefetch, delays, retries with backoff, dead letters) kept in memory. Jobs that are queued,
 * delayed or waiting for a retry are lost if the process stops or crashes; work that must not be
 * lost is re-derived by its scheduler (cleanup policies run again on their cadence).
 */
export class InProcessJobQueue implements JobQueue {
  private readonly logger: BusLogger;
  private readonly queues = new Map<string, MemoryQueue<unknown>>();
  private readonly subscriptions = new OpenSubscriptions();
  private closed = false;

  constructor(options: InProcessBusOptions = {}) {
    this.logger = options.logger ?? silentBusLogger;
  }

  async enqueue(queue: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
    this.assertOpen();
    assertValidName('queue', queue);
    const delayMs = assertValidDelay(options.delayMs);
    const id = options.id ?? randomUUID();
    const body: unknown = JSON.parse(toJson(payload));
    this.queueNamed(queue).push({ id, body, attempt: 1 }, delayMs);
    return id;
  }

  async consume(queue: string, handler: JobHandler, options?: ConsumeOptions): Promise<Subscription> {
    this.assertOpen();
    assertValidName('queue', queue);
    const policy = resolveConsumeOptions(options);
    const consumer = this.queueNamed(queue).addConsumer(
      (message) => handler({ id: message.id, queue, payload: message.body, attempt: message.attempt }),
      policy,
    );
    return this.subscriptions.add(consumer);
  }

  async deadLetters(queue: string): Promise<Job[]> {
    return (this.queues.get(queue)?.deadLetters() ?? []).map((message) => ({
      id: message.id,
      queue,
      payload: message.body,
      attempt: message.attempt,
    }));
  }

  async checkHealth(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.subscriptions.closeAll();
    for (const queue of this.queues.values()) queue.dispose();
  }

  private queueNamed(name: string): MemoryQueue<unknown> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new MemoryQueue(`jobs.${name}`, this.logger);
      this.queues.set(name, queue);
    }
    return queue;
  }

  private assertOpen(): void {
    if (this.closed) throw new BusClosedError('job queue');
  }
}
