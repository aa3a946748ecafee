import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect } from 'amqplib';

const run = promisify(execFile);

// The broker is shared with other test runs, so these helpers only ever touch names that carry
// this run's prefix, or the one connection the test named itself.

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

export async function queuesWithPrefix(prefix: string): Promise<string[]> {
  const names = await rabbitmqctl('list_queues', '--no-table-headers', 'name');
  return names.filter((name) => name.startsWith(`${prefix}.`));
}

/** Deletes every queue and exchange whose name starts with `<prefix>.`. */
export async function deleteEverythingWithPrefix(amqpUrl: string, prefix: string): Promise<void> {
  const queues = await queuesWithPrefix(prefix);
  const exchanges = (await rabbitmqctl('list_exchanges', '--no-table-headers', 'name')).filter((name) =>
    name.startsWith(`${prefix}.`),
  );
  const model = await connect(amqpUrl);
  try {
    const channel = await model.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue);
    for (const exchange of exchanges) await channel.deleteExchange(exchange);
    await channel.close();
  } finally {
    await model.close();
  }
}
