import type { Channel, ConsumeMessage, Options } from 'amqplib';
import { describeError, type BusLogger } from '../bus-logger';
import type { Subscription } from '../ports';
import { backoffDelayMs, type RetryPolicy } from '../validation';
import { ChannelConsumer, REATTACH_DELAY_MS } from './channel-consumer';
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

/**
 * One consumer on one queue, on its own channel (see ChannelConsumer for attaching and
 * re-attaching). It acknowledges after the handler resolves, and on failure publishes a copy to
 * the retry delay queue (or the dead-letter queue after the last attempt) before acknowledging
 * the original, so a crash in between duplicates the message rather than losing it.
 */
export class RabbitConsumer implements Subscription {
  private readonly consumer: ChannelConsumer;

  constructor(private readonly options: RabbitConsumerOptions) {
    this.consumer = new ChannelConsumer({
      connection: options.connection,
      logger: options.logger,
      logFields: { queue: options.queue },
      prefetch: options.policy.prefetch,
      declare: async (channel) => {
        await options.declare(channel);
        return options.queue;
      },
      process: (channel, message) => this.process(channel, message),
    });
  }

  /** Declares and starts consuming; rejects if that cannot be done before the operation timeout. */
  start(): Promise<void> {
    return this.consumer.start();
  }

  close(): Promise<void> {
    return this.consumer.close();
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
