import { isNoticeChannel } from '@stowage/db';

/**
 * Every service that emits events owns an `outbox_events` table in its own schema; its
 * migrations add up to this DDL (`*_outbox*` creates the table, `*_outbox_claims` adds
 * `claimed_until`), and an `OutboxEvent` model in its Prisma schema mirrors it (`seq` is
 * `BigInt @default(autoincrement())`). Tests create the table from here.
 *
 * `seq` breaks ties between events with the same `occurred_at` (millisecond precision: several
 * events recorded by one transaction usually share it), so they are relayed in the order they
 * were recorded rather than in the random order of their ids. `claimed_until` is the end of a
 * relay's lease on a row it is publishing (see OutboxRelay). The partial index serves the claim
 * as before: claimed rows are few (a batch per relay) and are filtered out as the index is read.
 */
export function outboxTableDdl(schema: string): string {
  const table = `${quote(schema)}."outbox_events"`;
  return [
    `CREATE TABLE ${table} (`,
    `    "id" UUID NOT NULL,`,
    `    "type" TEXT NOT NULL,`,
    `    "source" TEXT NOT NULL,`,
    `    "payload" JSONB NOT NULL,`,
    `    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,`,
    `    "published_at" TIMESTAMPTZ(3),`,
    `    "seq" BIGSERIAL NOT NULL,`,
    `    "claimed_until" TIMESTAMPTZ(3),`,
    `    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")`,
    `);`,
    `CREATE INDEX "outbox_events_unpublished_idx" ON ${table}("occurred_at", "seq") WHERE "published_at" IS NULL;`,
  ].join('\n');
}

export function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/**
 * The notice channel of a schema's outbox: every commit that records events sends one on it, and
 * the schema's relays listen there instead of polling often. Undefined for a schema whose name
 * cannot make a channel (see isNoticeChannel): its events are found by polling only.
 */
export function outboxChannel(schema: string): string | undefined {
  const channel = `outbox_${schema}`;
  return isNoticeChannel(channel) ? channel : undefined;
}
