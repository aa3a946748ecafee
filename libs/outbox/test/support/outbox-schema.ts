import type { Database, SqlRunner } from '@stowage/db';
import { outboxTableDdl, type RawExecutor } from '@stowage/outbox';
import { uniqueName } from '@stowage/testing';

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** Creates a uniquely named schema holding an outbox table, as a service's migration would. */
export async function createOutboxSchema(db: Database): Promise<string> {
  const schema = uniqueName('outbox');
  await db.exec(`CREATE SCHEMA ${quote(schema)};\n${outboxTableDdl(schema)}`);
  return schema;
}

export async function dropSchema(db: Database, schema: string): Promise<void> {
  await db.exec(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`);
}

/** Stands in for a Prisma transaction client: recordEvent only needs `$executeRawUnsafe`. */
export function rawExecutor(tx: SqlRunner): RawExecutor {
  return { $executeRawUnsafe: (sql, ...values) => tx.query(sql, values).then((result) => result.rowCount) };
}

export interface OutboxRowState {
  id: string;
  published: boolean;
}

/** Every row of the outbox with whether it is marked published, in id order. */
export async function outboxRows(db: SqlRunner, schema: string): Promise<OutboxRowState[]> {
  const { rows } = await db.query<OutboxRowState>(
    `SELECT "id"::text AS "id", "published_at" IS NOT NULL AS "published"
       FROM ${quote(schema)}."outbox_events" ORDER BY "id"`,
  );
  return rows;
}

/** Ids of the rows some relay holds a claim on (expired or not), in id order. */
export async function claimedIds(db: SqlRunner, schema: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT "id"::text AS "id" FROM ${quote(schema)}."outbox_events"
      WHERE "claimed_until" IS NOT NULL ORDER BY "id"`,
  );
  return rows.map((row) => row.id);
}

/** When each row was marked published (null while it is not), by id. */
export async function publishedAt(db: SqlRunner, schema: string): Promise<Map<string, Date | null>> {
  const { rows } = await db.query<{ id: string; published_at: Date | null }>(
    `SELECT "id"::text AS "id", "published_at" FROM ${quote(schema)}."outbox_events"`,
  );
  return new Map(rows.map((row) => [row.id, row.published_at]));
}
