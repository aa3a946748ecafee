import { InvalidBusArgumentError, type DomainEvent } from '@stowage/bus';
import { quote } from './outbox-table';

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
  if (!PUBLISHABLE_TYPE.test(event.type)) {
    throw new InvalidBusArgumentError(`invalid event type ${JSON.stringify(event.type)}`);
  }
  await tx.$executeRawUnsafe(
    `INSERT INTO ${quote(schema)}."outbox_events" ("id", "type", "source", "payload", "occurred_at")
     VALUES ($1::uuid, $2, $3, $4::jsonb, $5::timestamptz)`,
    event.id,
    event.type,
    event.source,
    JSON.stringify(event.payload ?? null),
    event.occurredAt,
  );
}
