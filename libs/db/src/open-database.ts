import type { Database } from './database';
import type { DbLogger } from './db-logger';
import { openPgliteDatabase } from './pglite-database';
import { openPostgresDatabase } from './postgres-database';

export interface OpenDatabaseOptions {
  /** PostgreSQL connection URL (distributed mode). Takes precedence over `dataDir`. */
  url?: string;
  /** Directory of the embedded PGlite cluster (standalone mode), e.g. `<DATA_DIR>/pglite`. */
  dataDir?: string;
  /** PGlite only: see PgliteDatabaseOptions. */
  initdbInChildProcess?: boolean;
  /** PostgreSQL only: upper bound on pooled connections. */
  maxConnections?: number;
  logger?: DbLogger;
}

/**
 * Opens the one database a process shares between its services: a `pg` pool when `url` is set,
 * otherwise PGlite persisted in `dataDir`. Open it once per process and pass it to every service.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url) {
    const db = openPostgresDatabase({
      url: options.url,
      maxConnections: options.maxConnections,
      logger: options.logger,
    });
    return db;
  }
  if (options.dataDir) {
    return openPgliteDatabase({
      dataDir: options.dataDir,
      initdbInChildProcess: options.initdbInChildProcess,
    });
  }
  throw new Error('openDatabase needs either a PostgreSQL url or a PGlite dataDir');
}
