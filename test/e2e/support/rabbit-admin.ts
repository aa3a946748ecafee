import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RabbitConnection } from '@stowage/bus';

const run = promisify(execFile);

// The broker is shared with other test runs: these helpers only touch names that start with the
// run's own prefix.

async function rabbitmqctl(...args: string[]): Promise<string[]> {
  const { stdout } = await run('rabbitmqctl', ['-q', ...args]);
  return stdout.split('\n').filter((line) => line.trim() !== '');
}

/** Names of the queues whose name starts with `<prefix>.`, as the broker lists them. */
export async function queuesWithPrefix(prefix: string): Promise<string[]> {
  const names = await rabbitmqctl('list_queues', '--no-table-headers', 'name');
  return names.filter((name) => name.startsWith(`${prefix}.`));
}

/** Names of the exchanges whose name starts with `<prefix>.`. */
export async function exchangesWithPrefix(prefix: string): Promise<string[]> {
  const names = await rabbitmqctl('list_exchanges', '--no-table-headers', 'name');
  return names.filter((name) => name.startsWith(`${prefix}.`));
}

// amqplib is a dependency of @stowage/bus, not of the root package, so its types are reached
// through the class that wraps it.
type AmqpConnection = Awaited<ReturnType<RabbitConnection['waitForConnection']>>;
type AmqpChannel = Awaited<ReturnType<AmqpConnection['createChannel']>>;

/** Runs `operation` on a channel of a short-lived connection of its own. */
async function withChannel<T>(amqpUrl: string, operation: (channel: AmqpChannel) => Promise<T>): Promise<T> {
  const connection = new RabbitConnection({
    url: amqpUrl,
    connectionName: 'stowage-e2e-admin',
    operationTimeoutMs: 10_000,
  });
  try {
    const model = await connection.waitForConnection();
    const channel = await model.createChannel();
    // A failed passive declare closes the channel with an error; the rejected call already reports it.
    channel.on('error', () => undefined);
    try {
      return await operation(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  } finally {
    await connection.close();
  }
}

/** Queue facts from a passive declare, which fails when the queue does not exist. */
export async function checkQueue(
  amqpUrl: string,
  queue: string,
): Promise<{ queue: string; messageCount: number; consumerCount: number }> {
  return withChannel(amqpUrl, (channel) => channel.checkQueue(queue));
}

/** Deletes every queue and exchange whose name starts with `<prefix>.`. */
export async function deleteEverythingWithPrefix(amqpUrl: string, prefix: string): Promise<void> {
  const queues = await queuesWithPrefix(prefix);
  const exchanges = await exchangesWithPrefix(prefix);
  await withChannel(amqpUrl, async (channel) => {
    for (const queue of queues) await channel.deleteQueue(queue);
    for (const exchange of exchanges) await channel.deleteExchange(exchange);
  });
}
