import { randomUUID } from 'node:crypto';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { describeError, type BusLogger } from '../bus-logger';
import { InFlight } from '../in-flight';
import type { Subscription } from '../ports';
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

// As in RabbitConsumer: a channel that died while its connection lived is reopened after this
// pause rather than in a tight loop.
const REATTACH_DELAY_MS = 1000;

/**
 * One every-replica subscription on RabbitMQ: a queue of this process's own (named by the
 * broker, exclusive to this connection, auto-deleted, not durable; see declareReplicaQueue),
 * bound to the events exchange with the subscription's patterns, consumed on its own channel
 * with prefetch 1 so events are handled one at a time, in order. After a reconnect (or the loss
 * of just this channel) a new queue is declared and bound: the old one died with its connection
 * or its consumer, and events routed in between are not seen by this replica.
 */
export class EveryReplicaConsumer implements Subscription {
  private readonly inFlight = new InFlight();
  private readonly consumerTag: string;
  private channel: Channel | null = null;
  private consuming = false;
  private attachedTo: ChannelModel | null = null;
  private attaching: Promise<void> | null = null;
  private removeListener: (() => void) | null = null;
  private reattachTimer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;

  constructor(private readonly options: EveryReplicaConsumerOptions) {
    // The tag is what an operator sees next to the server-named queue, so it carries the name.
    this.consumerTag = `${options.name}.${randomUUID()}`;
  }

  /** Declares, binds and starts consuming; rejects if that cannot be done before the operation timeout. */
  async start(): Promise<void> {
    this.removeListener = await this.options.connection.addListener({
      onConnect: (model) => this.attach(model),
    });
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.removeListener?.();
    if (this.reattachTimer) clearTimeout(this.reattachTimer);
    await this.attaching?.catch(() => undefined);
    const { channel } = this;
    // Cancelling the only consumer makes the broker delete the auto-delete queue.
    if (channel && this.consuming) await channel.cancel(this.consumerTag).catch(() => undefined);
    await this.inFlight.idle();
    if (channel) await channel.close().catch(() => undefined);
  }

  private attach(model: ChannelModel): Promise<void> {
    if (this.closing) return Promise.resolve();
    if (this.attachedTo === model && this.attaching) return this.attaching;
    this.attachedTo = model;
    const attaching = this.open(model).catch((error: unknown) => {
      if (this.attaching === attaching) {
        this.attaching = null;
        this.attachedTo = null;
      }
      throw error;
    });
    this.attaching = attaching;
    return attaching;
  }

  private async open(model: ChannelModel): Promise<void> {
    const { exchange, patterns, name, logger } = this.options;
    const channel = await model.createChannel();
    channel.on('error', (error: Error) => {
      logger.warn('bus: every-replica channel error', { subscription: name, error: describeError(error) });
    });
    channel.on('close', () => this.onChannelClosed(channel, model));
    let queue: string | undefined;
    try {
      await declareEventsExchange(channel, exchange);
      queue = await declareReplicaQueue(channel);
      for (const pattern of patterns) await channel.bindQueue(queue, exchange, pattern);
      await channel.prefetch(1);
      if (this.closing) throw new Error('closed while attaching');
      this.channel = channel;
      await channel.consume(queue, (message) => this.onMessage(channel, message), {
        noAck: false,
        consumerTag: this.consumerTag,
      });
      this.consuming = true;
    } catch (error) {
      if (this.channel === channel) this.channel = null;
      // An auto-delete queue that never had a consumer is not deleted until the connection
      // closes; a long-lived connection should not collect them across failed attaches.
      if (queue) await channel.deleteQueue(queue).catch(() => undefined);
      await channel.close().catch(() => undefined);
      if (this.closing) return;
      throw error;
    }
  }

  private onChannelClosed(channel: Channel, model: ChannelModel): void {
    if (channel !== this.channel) return;
    this.channel = null;
    this.consuming = false;
    this.attachedTo = null;
    this.attaching = null;
    if (this.closing) return;
    // A lost connection is re-attached by RabbitConnection once it reconnects; a lost channel
    // on a live connection is ours to reopen.
    this.reattachTimer = setTimeout(() => {
      this.reattachTimer = null;
      if (this.closing || this.options.connection.current !== model || this.attachedTo) return;
      this.attach(model).catch((error: unknown) => {
        this.options.logger.error('bus: could not re-attach every-replica consumer', {
          subscription: this.options.name,
          error: describeError(error),
        });
      });
    }, REATTACH_DELAY_MS);
  }

  private onMessage(channel: Channel, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled us (someone deleted the queue); reopening declares a new one.
      this.options.logger.warn('bus: broker cancelled every-replica consumer', {
        subscription: this.options.name,
      });
      void channel.close().catch(() => undefined);
      return;
    }
    this.inFlight.track(() => this.process(channel, message));
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
