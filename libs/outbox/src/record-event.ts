import { InvalidBusArgumentError, type DomainEvent } from '@stowage/bus';
import { outboxChannel, quote } from './outbox-table';

/** The slice of a Prisma (transaction) client the outbox writes through. */
export interface RawExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

// The bus refuses these types on every publish (the rule in libs/bus validation.ts); recorded,
// such an event would block the outbox for good, since the relay keeps events in order.
const PUBLISHABLE_TYPE = /^[^*#\s]{1,200}$/;

/**
 * Records an event in the outbox inside the caller's transaction, so the event exists exactly
 * when the change it describes was committed; the relay publishes it afterwards. Rejects with
 * InvalidBusArgumentError, before writing, an event the bus could never publish.
 */
export async function recordEvent(tx: RawExecutor, schema: string, event: DomainEvent): Promise<void> {
  await recordEvents(tx, schema, [event]);
}

/** Rows per INSERT: five parameters each, far below PostgreSQL's 65,535. */
const ROWS_PER_INSERT = 1000;

/**
 * Records several events as recordEvent does, with one INSERT per thousand (in the given order,
 * which the relay keeps): a job that deletes a thousand tags pays one round trip, not a thousand.
 */
export async function recordEvents(
  tx: RawExecutor,
  schema: string,
  events: readonly DomainEvent[],
): Promise<void> {
  for (const event of events) {
    if (!PUBLISHABLE_TYPE.test(event.type)) {
      throw new InvalidBusArgumentError(`invalid event type ${JSON.stringify(event.type)}`);
    }
  }
  const channel = outboxChannel(schema);
  for (let start = 0; start < events.length; start += ROWS_PER_INSERT) {
    const chunk = events.slice(start, start + ROWS_PER_INSERT);
    const rows = chunk.map((_, i) => {
      const p = i * 5;
      return `($${p + 1}::uuid, $${p + 2}, $${p + 3}, $${p + 4}::jsonb, $${p + 5}::timestamptz)`;
    });
    const insert = `INSERT INTO ${quote(schema)}."outbox_events" ("id", "type", "source", "payload", "occurred_at")
       VALUES ${rows.join(', ')}`;
    // The same statement queues a notice, which PostgreSQL sends when the transaction commits (and
    // drops if it rolls back): the schema's relays, in this process or another, wake on it.
    await tx.$executeRawUnsafe(
      channel
        ? `WITH "recorded" AS (${insert} RETURNING 1) SELECT pg_notify('${channel}', '') FROM "recorded" LIMIT 1`
        : insert,
      ...chunk.flatMap((event) => [
        event.id,
        event.type,
        event.source,
        JSON.stringify(event.payload ?? null),
        event.occurredAt,
      ]),
    );
  }
}
