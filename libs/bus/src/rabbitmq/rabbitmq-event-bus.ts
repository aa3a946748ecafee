import type { ConsumeMessage, GetMessage } from 'amqplib';
import { silentBusLogger, type BusLogger } from '../bus-logger';
import { BusClosedError } from '../errors';
import type { ConsumeOptions, DomainEvent, EventBus, EventHandler, Subscription } from '../ports';
import {
  assertValidEvent,
  assertValidName,
  assertValidPatterns,
  resolveConsumeOptions,
  toJson,
} from '../validation';
import { JSON_CONTENT_TYPE } from './message-format';
import { peekDeadLetters } from './peek-queue';
import type { RabbitBusOptions } from './rabbit-bus-options';
import type { RabbitConnection } from './rabbit-connection';
import { EveryReplicaConsumer } from './every-replica-consumer';
import { RabbitConsumer, UnreadableMessageError } from './rabbit-consumer';
import { declareEventsExchange, declareWorkQueue, Topology } from './topology';
import { OpenSubscriptions } from '../open-subscriptions';

/**
 * Domain events over a durable topic exchange. Each subscriber group owns a durable queue bound
 * with its patterns, so events published while a group's replicas are down wait for them, and
 * replicas in one group compete for the group's events. Every-replica subscriptions each get a
 * private, connection-scoped queue instead (EveryReplicaConsumer). See topology.ts for the names.
 */
export class RabbitMqEventBus implements EventBus {
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

  async publish(event: DomainEvent): Promise<void> {
    this.assertOpen();
    assertValidEvent(event);
    const exchange = this.topology.eventsExchange;
    await this.connection.publish({
      exchange,
      routingKey: event.type,
      content: Buffer.from(toJson(event)),
      options: {
        persistent: true,
        contentType: JSON_CONTENT_TYPE,
        messageId: event.id,
        type: event.type,
        appId: event.source,
      },
      topology: {
        key: `exchange:${exchange}`,
        declare: (channel) => declareEventsExchange(channel, exchange),
      },
    });
  }

  async subscribe(
    group: string,
    patterns: string[],
    handler: EventHandler,
    options?: ConsumeOptions,
  ): Promise<Subscription> {
    this.assertOpen();
    assertValidName('group', group);
    assertValidPatterns(patterns);
    const exchange = this.topology.eventsExchange;
    const queue = this.topology.groupQueue(group);
    const consumer = new RabbitConsumer({
      connection: this.connection,
      logger: this.logger,
      queue,
      policy: resolveConsumeOptions(options),
      declare: async (channel) => {
        await declareEventsExchange(channel, exchange);
        await declareWorkQueue(channel, queue);
        for (const pattern of patterns) await channel.bindQueue(queue, exchange, pattern);
      },
      handle: (message) => handler(decodeEvent(message)),
    });
    await consumer.start();
    return this.subscriptions.add(consumer);
  }

  async subscribeEveryReplica(
    name: string,
    patterns: string[],
    handler: EventHandler,
  ): Promise<Subscription> {
    this.assertOpen();
    assertValidName('subscription', name);
    assertValidPatterns(patterns);
    const consumer = new EveryReplicaConsumer({
      connection: this.connection,
      logger: this.logger,
      name,
      exchange: this.topology.eventsExchange,
      patterns: [...patterns],
      handle: (message) => handler(decodeEvent(message)),
    });
    await consumer.start();
    return this.subscriptions.add(consumer);
  }

  /** Events of `group` that exhausted their attempts, oldest first. */
  async deadLetters(group: string): Promise<DomainEvent[]> {
    assertValidName('group', group);
    const messages = await peekDeadLetters(this.connection, this.topology.groupQueue(group));
    return messages.map((message) => {
      try {
        return decodeEvent(message);
      } catch {
        // Unreadable events end up here too; show operators the raw body rather than nothing.
        return {
          id: String(message.properties.messageId ?? ''),
          type: String(message.properties.type ?? ''),
          occurredAt: '',
          source: String(message.properties.appId ?? ''),
          payload: message.content.toString('utf8'),
        };
      }
    });
  }

  checkHealth(): Promise<void> {
    if (this.closed) return Promise.reject(new BusClosedError('event bus'));
    return this.connection.checkHealth();
  }

  /** Cancels consumers and waits for their handlers; the shared connection is closed by its owner. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.subscriptions.closeAll();
  }

  private assertOpen(): void {
    if (this.closed) throw new BusClosedError('event bus');
  }
}

function decodeEvent(message: ConsumeMessage | GetMessage): DomainEvent {
  let event: unknown;
  try {
    event = JSON.parse(message.content.toString('utf8'));
  } catch {
    throw new UnreadableMessageError('event body is not JSON');
  }
  if (typeof event !== 'object' || event === null || typeof (event as DomainEvent).type !== 'string') {
    throw new UnreadableMessageError('event body is not a DomainEvent');
  }
  return event as DomainEvent;
}
