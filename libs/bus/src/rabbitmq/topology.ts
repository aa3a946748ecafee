import type { Channel } from 'amqplib';

/**
 * Names and declarations of everything the RabbitMQ adapters create. All names start with the
 * configured prefix, so one broker can host several installations (and test runs).
 *
 * - `<prefix>.events`: durable topic exchange for domain events, routing key = event type.
 * - `<prefix>.events.<group>`: durable queue of one subscriber group, bound with its patterns.
 * - `amq.gen-...`: one per every-replica subscription and connection, named by the broker,
 *   bound to `<prefix>.events`; see declareReplicaQueue.
 * - `<prefix>.jobs.<queue>`: durable job queue, fed through the default exchange.
 * - `<main>.dead`: durable dead-letter queue of a group or job queue.
 * - `<main>.delay.<ms>`: durable holding queue whose messages expire after `ms` and are then
 *   dead-lettered back into `<main>`. One per distinct delay, so every message in it has the
 *   same TTL and none waits behind a longer one (per-message TTLs only expire at the head of a
 *   queue). Used for retries (backoff) and delayed jobs; removed by the broker once unused.
 */
export class Topology {
  constructor(readonly prefix: string) {}

  get eventsExchange(): string {
    return `${this.prefix}.events`;
  }

  groupQueue(group: string): string {
    return `${this.prefix}.events.${group}`;
  }

  jobQueue(queue: string): string {
    return `${this.prefix}.jobs.${queue}`;
  }
}

export function deadQueueOf(main: string): string {
  return `${main}.dead`;
}

export function delayQueueOf(main: string, delayMs: number): string {
  return `${main}.delay.${delayMs}`;
}

// An idle delay queue disappears this long after its last message could have expired.
const DELAY_QUEUE_IDLE_MS = 10 * 60_000;

export async function declareEventsExchange(channel: Channel, exchange: string): Promise<void> {
  await channel.assertExchange(exchange, 'topic', { durable: true });
}

/** A main queue and its dead-letter queue. */
export async function declareWorkQueue(channel: Channel, main: string): Promise<void> {
  await channel.assertQueue(main, { durable: true });
  await channel.assertQueue(deadQueueOf(main), { durable: true });
}

export async function declareDelayQueue(channel: Channel, main: string, delayMs: number): Promise<void> {
  await channel.assertQueue(delayQueueOf(main, delayMs), {
    durable: true,
    messageTtl: delayMs,
    deadLetterExchange: '',
    deadLetterRoutingKey: main,
    // Unused means no consumer and no redeclaration; every publish into it redeclares it first
    // (PublishRequest.topology.everyTime), so it cannot expire while a message still waits.
    expires: delayMs + DELAY_QUEUE_IDLE_MS,
  });
}

/**
 * A queue of one every-replica subscriber: server-named (no two replicas can collide), exclusive
 * (only this connection may use it, and it is deleted when the connection goes, so a crashed
 * replica leaves nothing behind), auto-delete (cancelling the subscription removes it) and not
 * durable (it could not outlive its connection anyway). No dead-letter queue: failures are
 * dropped (see EveryReplicaConsumer). Resolves to the name the broker chose.
 */
export async function declareReplicaQueue(channel: Channel): Promise<string> {
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
  return queue;
}
