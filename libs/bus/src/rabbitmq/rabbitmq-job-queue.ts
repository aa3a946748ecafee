import { randomUUID } from 'node:crypto';
import type { ConsumeMessage, GetMessage } from 'amqplib';
import { silentBusLogger, type BusLogger } from '../bus-logger';
import { BusClosedError } from '../errors';
import type { ConsumeOptions, EnqueueOptions, Job, JobHandler, JobQueue, Subscription } from '../ports';
import { assertValidDelay, assertValidName, resolveConsumeOptions, toJson } from '../validation';
import { ATTEMPT_HEADER, attemptOf, JSON_CONTENT_TYPE } from './message-format';
import { peekDeadLetters } from './peek-queue';
import type { RabbitConnection } from './rabbit-connection';
import { RabbitConsumer, UnreadableMessageError } from './rabbit-consumer';
import type { RabbitBusOptions } from './rabbit-bus-options';
import { declareDelayQueue, declareWorkQueue, delayQueueOf, Topology } from './topology';
import { OpenSubscriptions } from '../open-subscriptions';

/**
 * Jobs on durable queues with persistent messages, publisher confirms and manual acks. A
 * delayed job waits in a `<queue>.delay.<ms>` queue whose TTL dead-letters it into the job
 * queue; retries travel the same way (see RabbitConsumer and topology.ts).
 */
export class RabbitMqJobQueue implements JobQueue {
  private readonly connection: RabbitConnection;
  private readonly topology: Topology;
  private readonly logger: BusLogger;
  private readonly subscriptions = new OpenSubscriptions();
  private closed = false;

  constructor(options: RabbitBusOptions) {
    this.connection = options.connection;
    this.topology = new Topology(options.prefix ?? 'stowage');
    assertValidName('prefix', this.topology.prefix);
    this.logger = options.logger ?? silentBusLogger;
  }

  async enqueue(queue: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
    this.assertOpen();
    assertValidName('queue', queue);
    const delayMs = assertValidDelay(options.delayMs);
    const id = options.id ?? randomUUID();
    const main = this.topology.jobQueue(queue);
    await this.connection.publish({
      exchange: '',
      routingKey: delayMs > 0 ? delayQueueOf(main, delayMs) : main,
      content: Buffer.from(toJson(payload)),
      options: {
        persistent: true,
        // An unroutable job (its queue was deleted) comes back instead of vanishing.
        mandatory: true,
        contentType: JSON_CONTENT_TYPE,
        messageId: id,
        timestamp: Math.floor(Date.now() / 1000),
        headers: { [ATTEMPT_HEADER]: 1 },
      },
      topology: {
        key: delayMs > 0 ? `delay:${main}:${delayMs}` : `work:${main}`,
        everyTime: delayMs > 0,
        declare: async (channel) => {
          await declareWorkQueue(channel, main);
          if (delayMs > 0) await declareDelayQueue(channel, main, delayMs);
        },
      },
    });
    return id;
  }

  async consume(queue: string, handler: JobHandler, options?: ConsumeOptions): Promise<Subscription> {
    this.assertOpen();
    assertValidName('queue', queue);
    const main = this.topology.jobQueue(queue);
    const consumer = new RabbitConsumer({
      connection: this.connection,
      logger: this.logger,
      queue: main,
      policy: resolveConsumeOptions(options),
      declare: (channel) => declareWorkQueue(channel, main),
      handle: (message, attempt) => handler(decodeJob(queue, message, attempt)),
    });
    await consumer.start();
    return this.subscriptions.add(consumer);
  }

  async deadLetters(queue: string): Promise<Job[]> {
    assertValidName('queue', queue);
    const messages = await peekDeadLetters(this.connection, this.topology.jobQueue(queue));
    return messages.map((message) => {
      try {
        return decodeJob(queue, message, attemptOf(message));
      } catch {
        // Unreadable jobs end up here too; show operators the raw body rather than nothing.
        const id = String(message.properties.messageId ?? '');
        return { id, queue, payload: message.content.toString('utf8'), attempt: attemptOf(message) };
      }
    });
  }

  checkHealth(): Promise<void> {
    if (this.closed) return Promise.reject(new BusClosedError('job queue'));
    return this.connection.checkHealth();
  }

  /** Cancels consumers and waits for their handlers; the shared connection is closed by its owner. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.subscriptions.closeAll();
  }

  private assertOpen(): void {
    if (this.closed) throw new BusClosedError('job queue');
  }
}

function decodeJob(queue: string, message: ConsumeMessage | GetMessage, attempt: number): Job {
  let payload: unknown;
  try {
    payload = JSON.parse(message.content.toString('utf8'));
  } catch {
    throw new UnreadableMessageError('job body is not JSON');
  }
  const id = typeof message.properties.messageId === 'string' ? message.properties.messageId : '';
  return { id, queue, payload, attempt };
}
