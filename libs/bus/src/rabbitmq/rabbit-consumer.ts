import type { Channel, ChannelModel, ConsumeMessage, Options } from 'amqplib';
import { describeError, type BusLogger } from '../bus-logger';
import { InFlight } from '../in-flight';
import type { Subscription } from '../ports';
import { backoffDelayMs, type RetryPolicy } from '../validation';
import { ATTEMPT_HEADER, attemptOf, LAST_ERROR_HEADER } from './message-format';
import type { PublishRequest, RabbitConnection } from './rabbit-connection';
import { deadQueueOf, declareDelayQueue, declareWorkQueue, delayQueueOf } from './topology';

/** Thrown by a message decoder when a delivery can never be handled; it is dead-lettered at once. */
export class UnreadableMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableMessageError';
  }
}

export interface RabbitConsumerOptions {
  connection: RabbitConnection;
  logger: BusLogger;
  /** The queue consumed; retries and dead letters are named after it. */
  queue: string;
  policy: RetryPolicy;
  /** Declares the queue, its dead-letter queue and any bindings; runs on every (re)attach. */
  declare(channel: Channel): Promise<void>;
  /** Decodes and handles one delivery; throwing means "retry later". */
  handle(message: ConsumeMessage, attempt: number): Promise<void>;
}

// A channel that died while its connection lived (the queue was deleted, a channel error) is
// reopened after this pause instead of in a tight loop.
const REATTACH_DELAY_MS = 1000;

/**
 * One consumer on one queue, on its own channel (so its prefetch bounds only its own work). It
 * re-attaches after every reconnect, acknowledges after the handler resolves, and on failure
 * publishes a copy to the retry delay queue (or the dead-letter queue after the last attempt)
 * before acknowledging the original, so a crash in between duplicates the message rather than
 * losing it.
 */
export class RabbitConsumer implements Subscription {
  private readonly inFlight = new InFlight();
  private channel: Channel | null = null;
  private consumerTag: string | null = null;
  private attachedTo: ChannelModel | null = null;
  private attaching: Promise<void> | null = null;
  private removeListener: (() => void) | null = null;
  private reattachTimer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;

  constructor(private readonly options: RabbitConsumerOptions) {}

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
    const channel = await model.createChannel();
    channel.on('error', (error: Error) => {
      this.options.logger.warn('bus: consumer channel error', {
        queue: this.options.queue,
        error: describeError(error),
      });
    });
    channel.on('close', () => this.onChannelClosed(channel, model));
    try {
      await this.options.declare(channel);
      await channel.prefetch(this.options.policy.prefetch);
      if (this.closing) throw new Error('closed while attaching');
      this.channel = channel;
      const { consumerTag } = await channel.consume(
        this.options.queue,
        (message) => this.onMessage(channel, message),
        {
          noAck: false,
        },
      );
      this.consumerTag = consumerTag;
    } catch (error) {
      if (this.channel === channel) this.channel = null;
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
          queue: this.options.queue,
          error: describeError(error),
        });
      });
    }, REATTACH_DELAY_MS);
  }

  private onMessage(channel: Channel, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled us (the queue was deleted); reopen, which declares it again.
      this.options.logger.warn('bus: broker cancelled consumer', { queue: this.options.queue });
      void channel.close().catch(() => undefined);
      return;
    }
    this.inFlight.track(() => this.process(channel, message));
  }

  private async process(channel: Channel, message: ConsumeMessage): Promise<void> {
    const attempt = attemptOf(message);
    try {
      await this.options.handle(message, attempt);
    } catch (error) {
      await this.retryOrBury(channel, message, attempt, error);
      return;
    }
    settle(channel, message, 'ack');
  }

  private async retryOrBury(
    channel: Channel,
    message: ConsumeMessage,
    attempt: number,
    error: unknown,
  ): Promise<void> {
    const { policy, queue, logger } = this.options;
    const meta = { queue, id: message.properties.messageId, attempt, error: describeError(error) };
    const exhausted = error instanceof UnreadableMessageError || attempt >= policy.maxAttempts;
    const delayMs = exhausted ? 0 : backoffDelayMs(policy, attempt);
    try {
      if (exhausted) {
        await this.requeueCopy(message, attempt, error, {
          key: `work:${queue}`,
          target: deadQueueOf(queue),
          declare: (ch) => declareWorkQueue(ch, queue),
        });
        logger.error('bus: message exhausted its attempts, dead-lettered', meta);
      } else {
        await this.requeueCopy(message, attempt + 1, error, {
          key: `delay:${queue}:${delayMs}`,
          target: delayMs > 0 ? delayQueueOf(queue, delayMs) : queue,
          declare: (ch) =>
            delayMs > 0 ? declareDelayQueue(ch, queue, delayMs) : declareWorkQueue(ch, queue),
          everyTime: delayMs > 0,
        });
        logger.warn('bus: handler failed, will retry', { ...meta, delayMs });
      }
      settle(channel, message, 'ack');
    } catch (requeueError) {
      logger.error('bus: could not schedule a retry; returning the message to its queue', {
        ...meta,
        requeueError: describeError(requeueError),
      });
      // Pause so a broker that refuses publishes is not hammered by the same message.
      await new Promise((resolve) => setTimeout(resolve, Math.min(delayMs || 100, REATTACH_DELAY_MS)));
      settle(channel, message, 'requeue');
    }
  }

  private requeueCopy(
    message: ConsumeMessage,
    attempt: number,
    error: unknown,
    route: { key: string; target: string; declare: (channel: Channel) => Promise<void>; everyTime?: boolean },
  ): Promise<void> {
    const {
      'x-death': _death,
      'x-first-death-exchange': _e,
      'x-first-death-queue': _q,
      'x-first-death-reason': _r,
      ...headers
    } = message.properties.headers ?? {};
    const options: Options.Publish = {
      persistent: true,
      mandatory: true,
      messageId: message.properties.messageId as string | undefined,
      type: message.properties.type as string | undefined,
      contentType: message.properties.contentType as string | undefined,
      timestamp: message.properties.timestamp as number | undefined,
      headers: {
        ...headers,
        [ATTEMPT_HEADER]: attempt,
        [LAST_ERROR_HEADER]: describeError(error).slice(0, 1000),
      },
    };
    const request: PublishRequest = {
      exchange: '',
      routingKey: route.target,
      content: message.content,
      options,
      topology: { key: route.key, declare: route.declare, everyTime: route.everyTime },
    };
    return this.options.connection.publish(request, { once: true });
  }
}

/** Acks or requeues; a delivery from a channel that has since closed is redelivered by the broker anyway. */
function settle(channel: Channel, message: ConsumeMessage, how: 'ack' | 'requeue'): void {
  try {
    if (how === 'ack') channel.ack(message);
    else channel.nack(message, false, true);
  } catch {
    // The channel closed under us; nothing to do.
  }
}
