import type { ConsumeMessage, GetMessage } from 'amqplib';

/** Which delivery attempt this copy of a message is (1 = first); set on every retry copy. */
export const ATTEMPT_HEADER = 'x-stowage-attempt';
/** Why the previous attempt failed; kept on retry and dead-letter copies for operators. */
export const LAST_ERROR_HEADER = 'x-stowage-last-error';

export function attemptOf(message: ConsumeMessage | GetMessage): number {
  const value: unknown = message.properties.headers?.[ATTEMPT_HEADER];
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 1;
}

export const JSON_CONTENT_TYPE = 'application/json';
