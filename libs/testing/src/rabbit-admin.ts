import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect, type Channel } from 'amqplib';

const run = promisify(execFile);

// The broker is shared with other test runs, so these helpers only ever touch names that carry
// the run's own prefix, or the one connection the test named itself.

async function rabbitmqctl(...args: string[]): Promise<string[]> {
  const { stdout } = await run('rabbitmqctl', ['-q', ...args]);
  return stdout.split('\n').filter((line) => line.trim() !== '');
}

/** Forces the broker to close the connection whose client named itself `connectionName`. */
export async function closeConnectionFromServer(connectionName: string): Promise<void> {
  const lines = await rabbitmqctl('list_connections', '--no-table-headers', 'pid', 'client_properties');
  const pids = lines
    .filter((line) => line.includes(`{"connection_name","${connectionName}"}`))
    .map((line) => line.split('\t')[0]!);
  if (pids.length === 0) throw new Error(`no connection named ${connectionName}`);
  for (const pid of pids) await rabbitmqctl('close_connection', pid, 'test forces a reconnect');
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

/** Names of the queues bound to `exchange` (server-named ones included), each listed once. */
export async function queuesBoundTo(exchange: string): Promise<string[]> {
  const lines = await rabbitmqctl(
    'list_bindings',
    '--no-table-headers',
    'source_name',
    'destination_name',
    'destination_kind',
  );
  const queues = lines
    .map((line) => line.split('\t'))
    .filter(([source, , kind]) => source === exchange && kind === 'queue')
    .map(([, destination]) => destination!);
  return [...new Set(queues)].sort();
}

/** Runs `operation` on a channel of a short-lived connection of its own. */
async function withChannel<T>(amqpUrl: string, operation: (channel: Channel) => Promise<T>): Promise<T> {
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
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
