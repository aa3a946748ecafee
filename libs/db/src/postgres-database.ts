import { Pool, type PoolClient } from 'pg';
import type { PostgresDatabase, QueryResult, SqlRunner } from './database';
import { translateDatabaseOutage } from './database-unavailable';
import type { DbLogger } from './db-logger';

export interface PostgresDatabaseOptions {
  url: string;
  /** Upper bound on pooled connections; pg's default (10) when unset. */
  maxConnections?: number;
  logger?: DbLogger;
}

function runnerFor(client: Pool | PoolClient): SqlRunner {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
      const result = await client.query(sql, [...params]).catch(rethrowOutage);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(script: string): Promise<void> {
      // Without parameters pg uses the simple query protocol, which accepts several statements.
      await client.query(script).catch(rethrowOutage);
    },
  };
}

function rethrowOutage(error: unknown): never {
  throw translateDatabaseOutage(error);
}

/** A server that accepts TCP but never answers must not hold a request forever. */
const CONNECT_TIMEOUT_MS = 5_000;

export function openPostgresDatabase(options: PostgresDatabaseOptions): PostgresDatabase {
  const pool = new Pool({
    connectionString: options.url,
    max: options.maxConnections,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Notices a peer that vanished without closing (a cut network) on idle pooled connections.
    keepAlive: true,
  });
  // An idle client losing its connection emits 'error' on the pool; unhandled, that would
  // crash the process instead of failing the next query.
  pool.on('error', (error) => {
    options.logger?.warn('idle PostgreSQL connection failed', { error: error.message });
  });
  const runner = runnerFor(pool);

  return {
    kind: 'postgres',
    pool,
    query: runner.query,
    exec: runner.exec,
    async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
      const client = await pool.connect().catch(rethrowOutage);
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(runnerFor(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          // The connection is unusable: make the pool discard it rather than reuse it mid-transaction.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async checkHealth(): Promise<void> {
      await pool.query('SELECT 1').catch(rethrowOutage);
    },
    async close(): Promise<void> {
      await pool.end();
    },
  };
}
