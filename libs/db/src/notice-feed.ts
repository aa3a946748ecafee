import { Client } from 'pg';
import type { Database, PgliteDatabase, PostgresDatabase } from './database';
import type { DbLogger } from './db-logger';

/**
 * A LISTEN on one channel, with a way to be sure every notice committed so far has arrived.
 * Caches kept current by notices use `sync()` before trusting what they hold.
 */
export interface NoticeFeed {
  /**
   * Resolves true once every notice committed before the call has been handed to `onNotice`;
   * false when that cannot be promised now (the listening connection is down or slow), and the
   * caller must not trust what the notices keep current.
   */
  sync(): Promise<boolean>;
  close(): Promise<void>;
}

export interface NoticeFeedOptions {
  /** A plain identifier: it is written into LISTEN as is. */
  channel: string;
  /** Called for each notice, and whenever notices may have been missed (connection lost or regained). */
  onNotice: () => void;
  logger?: DbLogger;
}

/** Longest identifier PostgreSQL keeps (NAMEDATALEN - 1): LISTEN cuts a longer one, pg_notify refuses it. */
const MAX_CHANNEL_LENGTH = 63;

/**
 * True for a name `openNoticeFeed` listens on: a plain lower-case identifier, written into LISTEN
 * as is, and short enough that LISTEN and pg_notify mean the same channel.
 */
export function isNoticeChannel(name: string): boolean {
  return /^[a-z_][a-z0-9_]*$/.test(name) && name.length <= MAX_CHANNEL_LENGTH;
}

/** Listens on `channel` of the database (see NoticeFeed). */
export async function openNoticeFeed(db: Database, options: NoticeFeedOptions): Promise<NoticeFeed> {
  if (!isNoticeChannel(options.channel)) throw new Error(`not a channel name: ${options.channel}`);
  return db.kind === 'pglite' ? openPgliteFeed(db, options) : PostgresNoticeFeed.open(db, options);
}

/**
 * PGlite is one session in this process: every writer is this process, and a notice reaches
 * `onNotice` before the committing call returns, so there is never anything to wait for.
 */
async function openPgliteFeed(db: PgliteDatabase, options: NoticeFeedOptions): Promise<NoticeFeed> {
  const unlisten = await db.pglite.listen(options.channel, options.onNotice);
  return {
    sync: async () => true,
    async close() {
      if (!db.pglite.closed) await unlisten();
    },
  };
}

/** A round trip slower than this makes `sync()` answer false instead of holding its callers. */
const SYNC_TIMEOUT_MS = 2_000;
const RECONNECT_DELAYS_MS = [250, 1_000, 5_000, 15_000];

/**
 * LISTEN on a connection of its own. PostgreSQL signals listeners when a notifying transaction
 * commits, before the writer gets its answer, and a backend sends pending notices before it runs
 * the next statement it reads. So a `SELECT 1` sent on the listening connection after a write was
 * answered comes back after that write's notice: that round trip is `sync()`. Callers arriving
 * together share one round trip (the next one to leave after they arrived).
 */
class PostgresNoticeFeed implements NoticeFeed {
  private client: Client | undefined;
  private inFlight: Promise<boolean> | undefined;
  private queued: Promise<boolean> | undefined;
  private reconnects = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly db: PostgresDatabase,
    private readonly options: NoticeFeedOptions,
  ) {}

  static async open(db: PostgresDatabase, options: NoticeFeedOptions): Promise<PostgresNoticeFeed> {
    const feed = new PostgresNoticeFeed(db, options);
    await feed.connect();
    return feed;
  }

  sync(): Promise<boolean> {
    if (!this.client) return Promise.resolve(false);
    if (!this.inFlight) return (this.inFlight = this.roundTrip());
    // The round trip in flight may have left before this caller's write was answered.
    this.queued ??= this.inFlight.then(() => {
      this.queued = undefined;
      return (this.inFlight = this.roundTrip());
    });
    return this.queued;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private roundTrip(): Promise<boolean> {
    const client = this.client;
    if (!client) return Promise.resolve(false);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), SYNC_TIMEOUT_MS);
    });
    const answered = client.query('SELECT 1').then(
      () => this.client === client,
      () => false,
    );
    const trip = Promise.race([answered, timedOut]).finally(() => {
      clearTimeout(timer);
      if (this.inFlight === trip) this.inFlight = undefined;
    });
    return trip;
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.db.pool.options.connectionString,
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
      // Names the connection in pg_stat_activity, where it sits idle in LISTEN for good.
      application_name: `stowage notices: ${this.options.channel}`,
    });
    client.on('notification', (message) => {
      if (message.channel === this.options.channel) this.options.onNotice();
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnects = 0;
    // Notices sent before this LISTEN were never heard.
    this.options.onNotice();
  }

  private lost(client: Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.options.onNotice();
    if (this.closed) return;
    this.options.logger?.warn('lost the connection listening for notices; reconnecting', {
      channel: this.options.channel,
      error: error?.message,
    });
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = RECONNECT_DELAYS_MS[Math.min(this.reconnects, RECONNECT_DELAYS_MS.length - 1)]!;
    this.reconnects += 1;
    this.reconnectTimer = setTimeout(() => {
      this.connect().catch(() => this.scheduleReconnect());
    }, delay);
    this.reconnectTimer.unref();
  }
}
