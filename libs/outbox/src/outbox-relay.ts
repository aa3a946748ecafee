import type { DomainEvent, EventBus } from '@stowage/bus';
import { openNoticeFeed, type Database, type NoticeFeed } from '@stowage/db';
import type { Logger } from '@stowage/logging';
import { claimBatch, settleBatch, type Confirmed, type OutboxRow } from './outbox-claims';
import { outboxChannel, quote } from './outbox-table';

export interface OutboxRelayOptions {
  db: Database;
  /** PostgreSQL schema holding this service's `outbox_events`. */
  schema: string;
  events: EventBus;
  logger: Logger;
  /**
   * Poll interval while the relay cannot hear the outbox's notices, and after a failed pass.
   * Default 1 s.
   */
  pollIntervalMs?: number;
  /**
   * Poll interval while it hears them: each commit that records events wakes the relay (and
   * `nudge()` does in this process without the round trip), so the poll only finds what the
   * notices missed, such as rows a dead relay's expired claim gives back. Default 30 s.
   */
  idlePollIntervalMs?: number;
  batchSize?: number;
  /** Published rows are kept this long for inspection, then deleted. */
  retainPublishedMs?: number;
  /**
   * How long a claim keeps other replicas off a batch; a relay that dies holding one delays its
   * events by at most this. The relay starts no publish once half of it has passed, so keep it at
   * least twice the bus's publish deadline (30 s by default). Default 2 minutes.
   */
  claimLeaseMs?: number;
}

const DEFAULT_CLAIM_LEASE_MS = 2 * 60 * 1000;
const DEFAULT_POLL_INTERVAL_MS = 1000;
const DEFAULT_IDLE_POLL_INTERVAL_MS = 30_000;
const LISTEN_RETRY_FIRST_MS = 1000;
const LISTEN_RETRY_MAX_MS = 30_000;

/** A wait that does not keep the process alive. */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Moves committed events from the outbox table to the bus in three steps, none of which holds a
 * transaction open while the broker is waited for:
 *
 * 1. claim: one statement sets `claimed_until` on the oldest unclaimed batch (`FOR UPDATE SKIP
 *    LOCKED` inside it, so replicas racing for rows split them) and commits;
 * 2. publish: each event in (occurred_at, seq) order, stopping at the first failure;
 * 3. mark: a statement sets `published_at` to each confirm's time (not the claim's), and another
 *    releases the claim on whatever was not published, so the next pass retries it promptly.
 *
 * Several replicas thus do not publish a row twice in the normal case; the relay starts no
 * publish once half the lease has passed, so a slow broker does not let a claim expire under it.
 * A relay that dies between claim and mark leaves rows claimed until the lease expires; another
 * relay then republishes them, which consumers tolerate because they are idempotent on the event
 * id. A broker outage only delays delivery.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private lastPrune = 0;
  private notices: NoticeFeed | undefined;
  private listening: Promise<boolean> | undefined;

  constructor(private readonly options: OutboxRelayOptions) {}

  /** Starts listening for commits and polling, with a first pass right away. */
  start(): void {
    this.listening ??= this.listen();
    this.schedule(0);
  }

  /**
   * Resolves true once the relay hears the outbox's notices, false if it never will (a schema
   * name that makes no channel, a relay stopped or never started first).
   */
  listeningForCommits(): Promise<boolean> {
    return this.listening ?? Promise.resolve(false);
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
   * before it are still marked (so they are not sent again), the rest are released for a later
   * pass, and the bus's error is rethrown.
   */
  async relayOnce(): Promise<number> {
    const { db, events } = this.options;
    const table = `${quote(this.options.schema)}."outbox_events"`;
    const leaseMs = this.options.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS;
    // Measured from before the claim, so the lease (which starts at the claim) cannot be shorter.
    const claimStarted = performance.now();
    const rows = await claimBatch(db, table, this.options.batchSize ?? 100, leaseMs);
    const confirmed: Confirmed[] = [];
    let failure: { cause: unknown } | undefined;
    for (const row of rows) {
      // A publish started later could outlast the lease and race another replica's claim.
      if (performance.now() - claimStarted > leaseMs / 2) break;
      try {
        await events.publish(toEvent(row));
      } catch (cause) {
        // Stop at the first failure so later events do not overtake it.
        failure = { cause };
        break;
      }
      confirmed.push({ id: row.id, at: new Date() });
    }
    await settleBatch(
      db,
      table,
      confirmed,
      rows.slice(confirmed.length).map((row) => row.id),
    );
    if (failure) throw failure.cause;
    await this.pruneOccasionally(table);
    return confirmed.length;
  }

  /** Stops polling and ignores nudges; resolves once a pass that is running has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    // Not waiting for a listen that is still connecting (a database outage holds it for seconds):
    // it closes what it opens once it sees the relay stopped.
    await this.notices?.close();
    this.notices = undefined;
  }

  /**
   * Wakes the relay on each notice of the outbox's channel (the feed reconnects by itself once it
   * has listened). Until it listens (a database that was down at start, say) it tries again, less
   * and less often, and the relay polls at `pollIntervalMs` meanwhile; a schema name that makes no
   * channel leaves the relay polling at that interval for good.
   */
  private async listen(): Promise<boolean> {
    const channel = outboxChannel(this.options.schema);
    if (!channel) return false;
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        const notices = await openNoticeFeed(this.options.db, {
          channel,
          onNotice: () => this.nudge(),
          logger: this.options.logger,
        });
        if (this.stopped) {
          await notices.close();
          return false;
        }
        this.notices = notices;
        return true;
      } catch (error) {
        if (attempt === 0) {
          this.options.logger.warn('outbox relay cannot listen for commits yet; it polls meanwhile', {
            error,
            schema: this.options.schema,
          });
        }
        await pause(Math.min(LISTEN_RETRY_MAX_MS, LISTEN_RETRY_FIRST_MS * 2 ** attempt));
      }
    }
    return false;
  }

  /** How long to wait for the next pass after one that succeeded. */
  private async idleDelay(): Promise<number> {
    // sync() is false while the listening connection is down: then nothing would wake the relay.
    const hearing = this.notices !== undefined && (await this.notices.sync());
    return hearing
      ? (this.options.idlePollIntervalMs ?? DEFAULT_IDLE_POLL_INTERVAL_MS)
      : (this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pass(), delayMs);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    if (this.running || this.stopped) return;
    let delay = this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.running = (async () => {
      try {
        const count = await this.relayOnce();
        // A full batch means more may be waiting.
        delay = count >= (this.options.batchSize ?? 100) ? 0 : await this.idleDelay();
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
