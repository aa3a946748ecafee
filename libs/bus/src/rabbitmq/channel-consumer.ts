import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { describeError, type BusLogger } from '../bus-logger';
import { InFlight } from '../in-flight';
import type { Subscription } from '../ports';
import type { RabbitConnection } from './rabbit-connection';

export interface ChannelConsumerOptions {
  connection: RabbitConnection;
  logger: BusLogger;
  /** Fields that name this consumer in log lines, e.g. `{ queue }`. */
  logFields: Record<string, unknown>;
  /** Unacknowledged deliveries this consumer holds at once. */
  prefetch: number;
  /** A fixed consumer tag (shown by the broker); default: one the broker picks. */
  consumerTag?: string;
  /** Declares what is consumed, on every (re)attach; resolves to the queue's name. */
  declare(channel: Channel): Promise<string>;
  /** Undoes `declare` when the attach fails after it (e.g. deletes a server-named queue). */
  abandon?(channel: Channel, queue: string): Promise<void>;
  /** Handles and settles one delivery, on the channel it came on. */
  process(channel: Channel, message: ConsumeMessage): Promise<void>;
}

// A channel that died while its connection lived (the queue was deleted, a channel error) is
// reopened after this pause instead of in a tight loop.
export const REATTACH_DELAY_MS = 1000;

/**
 * The life of one consumer on its own channel (so its prefetch bounds only its own work): it
 * attaches on every (re)connect of the shared connection, reopens a channel lost on a live
 * connection, and on close cancels, waits for deliveries in progress, then closes the channel.
 * What is consumed and how a delivery is handled belong to the owner (`declare`, `process`).
 */
export class ChannelConsumer implements Subscription {
  private readonly inFlight = new InFlight();
  private channel: Channel | null = null;
  private consumerTag: string | null = null;
  private attachedTo: ChannelModel | null = null;
  private attaching: Promise<void> | null = null;
  private removeListener: (() => void) | null = null;
  private reattachTimer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;

  constructor(private readonly options: ChannelConsumerOptions) {}

  /** Declares and starts consuming; rejects if that cannot be done before the operation timeout. */
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
    const { channel, consumerTag } = this;
    if (channel && consumerTag) await channel.cancel(consumerTag).catch(() => undefined);
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
    const { logger, logFields } = this.options;
    const channel = await model.createChannel();
    channel.on('error', (error: Error) => {
      logger.warn('bus: consumer channel error', { ...logFields, error: describeError(error) });
    });
    channel.on('close', () => this.onChannelClosed(channel, model));
    let queue: string | undefined;
    try {
      queue = await this.options.declare(channel);
      await channel.prefetch(this.options.prefetch);
      if (this.closing) throw new Error('closed while attaching');
      this.channel = channel;
      const { consumerTag } = await channel.consume(queue, (message) => this.onMessage(channel, message), {
        noAck: false,
        ...(this.options.consumerTag ? { consumerTag: this.options.consumerTag } : {}),
      });
      this.consumerTag = consumerTag;
    } catch (error) {
      if (this.channel === channel) this.channel = null;
      if (queue !== undefined) await this.options.abandon?.(channel, queue).catch(() => undefined);
      await channel.close().catch(() => undefined);
      if (this.closing) return;
      throw error;
    }
  }

  private onChannelClosed(channel: Channel, model: ChannelModel): void {
    if (channel !== this.channel) return;
    this.channel = null;
    this.consumerTag = null;
    this.attachedTo = null;
    this.attaching = null;
    if (this.closing) return;
    // If the whole connection went, RabbitConnection re-attaches us after reconnecting; if only
    // this channel died, nobody else will, so try again on the same connection shortly.
    this.reattachTimer = setTimeout(() => {
      this.reattachTimer = null;
      if (this.closing || this.options.connection.current !== model || this.attachedTo) return;
      this.attach(model).catch((error: unknown) => {
        this.options.logger.error('bus: could not re-attach consumer', {
          ...this.options.logFields,
          error: describeError(error),
        });
      });
    }, REATTACH_DELAY_MS);
  }

  private onMessage(channel: Channel, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled us (the queue was deleted); reopening declares it again.
      this.options.logger.warn('bus: broker cancelled consumer', this.options.logFields);
      void channel.close().catch(() => undefined);
      return;
    }
    this.inFlight.track(() => this.options.process(channel, message));
  }
}
