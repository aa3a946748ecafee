import type { DomainEvent, EventBus } from '@stowage/bus';
import type { Database } from '@stowage/db';
import type { Logger } from '@stowage/logging';
import { quote } from './outbox-table';

export interface OutboxRelayOptions {
  db: Database;
  /** PostgreSQL schema holding this service's `outbox_events`. */
  schema: string;
  events: EventBus;
  logger: Logger;
  /** Poll interval; `nudge()` after a commit makes delivery immediate in the common case. */
  pollIntervalMs?: number;
  batchSize?: number;
  /** Published rows are kept this long for inspection, then deleted. */
  retainPublishedMs?: number;
}

interface OutboxRow {
  id: string;
  type: string;
  source: string;
  payload: unknown;
  occurred_at: Date | string;
}

/**
 * Moves committed events from the outbox table to the bus. Rows are claimed with
 * `FOR UPDATE SKIP LOCKED`, so several replicas relay without publishing a row twice in the
 * normal case; a crash between publish and commit republishes, which consumers tolerate
 * because they are idempotent on the event id. A broker outage only delays delivery.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private lastPrune = 0;

  constructor(private readonly options: OutboxRelayOptions) {}

  /** Starts polling, with a first pass right away. */
  start(): void {
    this.schedule(0);
  }

  /** Asks for a relay pass now (call after committing a transaction that recorded events). */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /**
   * Publishes up to one batch of unpublished events, oldest first, and marks them published;
   * resolves with how many were published. When the bus rejects an event, the events published
   * before it are still marked (so they are not sent again), the rest stay for a later pass, and
   * the bus's error is rethrown.
   */
  async relayOnce(): Promise<number> {
    const { db, schema, events } = this.options;
    const table = `${quote(schema)}."outbox_events"`;
    const { published, failure } = await db.transaction(async (tx) => {
      const { rows } = await tx.query<OutboxRow>(
        `SELECT "id", "type", "source", "payload", "occurred_at" FROM ${table}
         WHERE "published_at" IS NULL ORDER BY "occurred_at", "seq"
         LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize ?? 100],
      );
      const done: string[] = [];
      let error: { cause: unknown } | undefined;
      for (const row of rows) {
        try {
          await events.publish(toEvent(row));
        } catch (cause) {
          // Stop at the first failure so later events do not overtake it.
          error = { cause };
          break;
        }
        done.push(row.id);
      }
      if (done.length > 0) {
        await tx.query(
          `UPDATE ${table} SET "published_at" = CURRENT_TIMESTAMP WHERE "id" = ANY($1::uuid[])`,
          [done],
        );
      }
      return { published: done.length, failure: error };
    });
    if (failure) throw failure.cause;
    await this.pruneOccasionally(table);
    return published;
  }

  /** Stops polling and ignores nudges; resolves once a pass that is running has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pass(), delayMs);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    if (this.running || this.stopped) return;
    let delay = this.options.pollIntervalMs ?? 1000;
    this.running = (async () => {
      try {
        const count = await this.relayOnce();
        // A full batch means more may be waiting.
        if (count >= (this.options.batchSize ?? 100)) delay = 0;
      } catch (error) {
        this.options.logger.warn('outbox relay pass failed; will retry', {
          error,
          schema: this.options.schema,
        });
      }
    })();
    await this.running;
    this.running = undefined;
    if (this.again) {
      this.again = false;
      delay = 0;
    }
    this.schedule(delay);
  }

  private async pruneOccasionally(table: string): Promise<void> {
    const retainMs = this.options.retainPublishedMs ?? 7 * 24 * 3600 * 1000;
    if (Date.now() - this.lastPrune < 60 * 60 * 1000) return;
    this.lastPrune = Date.now();
    await this.options.db.query(
      `DELETE FROM ${table} WHERE "published_at" < CURRENT_TIMESTAMP - ($1::bigint * INTERVAL '1 millisecond')`,
      [retainMs],
    );
  }
}

function toEvent(row: OutboxRow): DomainEvent {
  const occurredAt = row.occurred_at instanceof Date ? row.occurred_at : new Date(row.occurred_at);
  return {
    id: row.id,
    type: row.type,
    source: row.source,
    occurredAt: occurredAt.toISOString(),
    payload: row.payload,
  };
}
