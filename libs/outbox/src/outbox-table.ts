/**
 * Every service that emits events owns an `outbox_events` table in its own schema, created by
 * its migrations with this DDL (and mirrored by an `OutboxEvent` model in its Prisma schema,
 * where `seq` is `BigInt @default(autoincrement())`).
 *
 * `seq` breaks ties between events with the same `occurred_at` (millisecond precision: several
 * events recorded by one transaction usually share it), so they are relayed in the order they
 * were recorded rather than in the random order of their ids.
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
    `    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")`,
    `);`,
    `CREATE INDEX "outbox_events_unpublished_idx" ON ${table}("occurred_at", "seq") WHERE "published_at" IS NULL;`,
  ].join('\n');
}

export function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
