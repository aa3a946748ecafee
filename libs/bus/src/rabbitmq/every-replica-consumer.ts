import { randomUUID } from 'node:crypto';
import type { Channel, ConsumeMessage } from 'amqplib';
import { describeError, type BusLogger } from '../bus-logger';
import type { Subscription } from '../ports';
import { ChannelConsumer } from './channel-consumer';
import type { RabbitConnection } from './rabbit-connection';
import { declareEventsExchange, declareReplicaQueue } from './topology';

export interface EveryReplicaConsumerOptions {
  connection: RabbitConnection;
  logger: BusLogger;
  /** Label of the subscription, for logs and the broker's consumer list. */
  name: string;
  exchange: string;
  patterns: readonly string[];
  /** Decodes and handles one delivery; a throw is logged and the event dropped. */
  handle(message: ConsumeMessage): Promise<void>;
}

/**
 * One every-replica subscription on RabbitMQ: a queue of this process's own (named by the
 * broker, exclusive to this connection, auto-deleted, not durable; see declareReplicaQueue),
 * bound to the events exchange with the subscription's patterns, consumed on its own channel
 * (see ChannelConsumer) with prefetch 1 so events are handled one at a time, in order. After a
 * reconnect (or the loss of just this channel) a new queue is declared and bound: the old one
 * died with its connection or its consumer, and events routed in between are not seen by this
 * replica.
 */
export class EveryReplicaConsumer implements Subscription {
  private readonly consumer: ChannelConsumer;

  constructor(private readonly options: EveryReplicaConsumerOptions) {
    const { exchange, patterns } = options;
    this.consumer = new ChannelConsumer({
      connection: options.connection,
      logger: options.logger,
      logFields: { subscription: options.name },
      prefetch: 1,
      // The tag is what an operator sees next to the server-named queue, so it carries the name.
      consumerTag: `${options.name}.${randomUUID()}`,
      declare: async (channel) => {
        await declareEventsExchange(channel, exchange);
        const queue = await declareReplicaQueue(channel);
        for (const pattern of patterns) await channel.bindQueue(queue, exchange, pattern);
        return queue;
      },
      // An auto-delete queue that never had a consumer is not deleted until the connection
      // closes; a long-lived connection should not collect them across failed attaches.
      abandon: async (channel, queue) => {
        await channel.deleteQueue(queue);
      },
      process: (channel, message) => this.process(channel, message),
    });
  }

  /** Declares, binds and starts consuming; rejects if that cannot be done before the operation timeout. */
  start(): Promise<void> {
    return this.consumer.start();
  }

  /** Cancelling the only consumer makes the broker delete the auto-delete queue. */
  close(): Promise<void> {
    return this.consumer.close();
  }

  private async process(channel: Channel, message: ConsumeMessage): Promise<void> {
    try {
      await this.options.handle(message);
    } catch (error) {
      // Dropped, not retried: this copy of the event is this replica's alone, so there is no
      // other consumer to hand it to; requeueing would redeliver it at once to the same handler
      // and spin on an event it cannot handle; and a retry queue would have to be a durable,
      // named queue per replica that outlives the replica. Every-replica handlers keep local
      // caches whose entries also expire on their own, so a lost event costs a stale entry for
      // a bounded time, and the log says which event it was.
      this.options.logger.error('bus: every-replica handler failed; event dropped', {
        subscription: this.options.name,
        id: message.properties.messageId,
        type: message.properties.type,
        error: describeError(error),
      });
    }
    try {
      channel.ack(message);
    } catch {
      // The channel closed under us; its queue is gone with it, so there is nothing to settle.
    }
  }
}
