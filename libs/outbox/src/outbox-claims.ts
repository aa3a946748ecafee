import type { SqlRunner } from '@stowage/db';

/** An outbox row as the relay publishes it. */
export interface OutboxRow {
  id: string;
  type: string;
  source: string;
  payload: unknown;
  occurred_at: Date | string;
}

export interface Confirmed {
  id: string;
  /** When `events.publish` resolved, i.e. the broker confirmed the event. */
  at: Date;
}

/**
 * Claims up to `limit` of the oldest unpublished events that no live claim holds, for `leaseMs`,
 * and returns them in publication order. One statement, so the claim commits at once: the rows
 * are not locked while they are published. `SKIP LOCKED` lets replicas claiming at the same
 * moment split the rows instead of queueing behind each other.
 */
export async function claimBatch(
  db: SqlRunner,
  table: string,
  limit: number,
  leaseMs: number,
): Promise<OutboxRow[]> {
  const { rows } = await db.query<OutboxRow>(
    `WITH "claimed" AS (
       UPDATE ${table} SET "claimed_until" = CURRENT_TIMESTAMP + ($2::bigint * INTERVAL '1 millisecond')
        WHERE "id" IN (
          SELECT "id" FROM ${table}
           WHERE "published_at" IS NULL
             AND ("claimed_until" IS NULL OR "claimed_until" < CURRENT_TIMESTAMP)
           ORDER BY "occurred_at", "seq"
           LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING "id", "type", "source", "payload", "occurred_at", "seq")
     SELECT "id", "type", "source", "payload", "occurred_at" FROM "claimed" ORDER BY "occurred_at", "seq"`,
    [limit, leaseMs],
  );
  return rows;
}

/**
 * Ends a claim: marks the `confirmed` events published at their confirm's time, and releases
 * the `unpublished` ones so that the next pass retries them without waiting for the lease.
 */
export async function settleBatch(
  db: SqlRunner,
  table: string,
  confirmed: readonly Confirmed[],
  unpublished: readonly string[],
): Promise<void> {
  if (confirmed.length > 0) {
    await db.query(
      `UPDATE ${table} AS "e" SET "published_at" = "c"."at", "claimed_until" = NULL
         FROM unnest($1::uuid[], $2::timestamptz[]) AS "c"("id", "at") WHERE "e"."id" = "c"."id"`,
      [confirmed.map((event) => event.id), confirmed.map((event) => event.at.toISOString())],
    );
  }
  if (unpublished.length > 0) {
    // A row another relay published after this one's lease ran out keeps its mark.
    await db.query(
      `UPDATE ${table} SET "claimed_until" = NULL WHERE "id" = ANY($1::uuid[]) AND "published_at" IS NULL`,
      [unpublished],
    );
  }
}
