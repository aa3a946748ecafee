import { randomUUID } from 'node:crypto';
import type { ConfirmChannel } from 'amqplib';
import { BusUnavailableError } from '../errors';
import type { PublishRequest } from './rabbit-connection';

export const PUBLISH_TAG_HEADER = 'x-stowage-publish-tag';

/** Publishes on a confirm channel; resolves true if the broker returned the message as unroutable. */
export function publishConfirmed(
  channel: ConfirmChannel,
  request: PublishRequest,
  returnedTags: Set<string>,
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const mandatory = request.options.mandatory === true;
    const tag = randomUUID();
    const headers = mandatory
      ? { ...request.options.headers, [PUBLISH_TAG_HEADER]: tag }
      : request.options.headers;
    try {
      channel.publish(
        request.exchange,
        request.routingKey,
        request.content,
        { ...request.options, headers },
        (error) => {
          // The broker sends basic.return before the ack of the same message, so by now the
          // channel's return listener has recorded the tag if the message was unroutable.
          const returned = returnedTags.delete(tag);
          if (error)
            reject(
              error instanceof Error ? error : new BusUnavailableError('the broker refused the message'),
            );
          else resolve(returned);
        },
      );
    } catch (error) {
      reject(error);
    }
  });
}
