import type { GetMessage } from 'amqplib';
import type { RabbitConnection } from './rabbit-connection';
import { declareWorkQueue } from './topology';

// deadLetters() is for operators and tests; a dead-letter queue longer than this is a
// problem to fix, not a list to load into memory.
const PEEK_LIMIT = 10_000;

/**
 * Reads the messages of the dead-letter queue of `main`, oldest first, without removing them:
 * they are fetched unacknowledged and returned to the queue, in place, when the channel closes.
 */
export function peekDeadLetters(connection: RabbitConnection, main: string): Promise<GetMessage[]> {
  return connection.withConnection(async (model) => {
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    try {
      await declareWorkQueue(channel, main);
      const messages: GetMessage[] = [];
      while (messages.length < PEEK_LIMIT) {
        const message = await channel.get(`${main}.dead`, { noAck: false });
        if (message === false) break;
        messages.push(message);
      }
      return messages;
    } finally {
      await channel.close().catch(() => undefined);
    }
  });
}
