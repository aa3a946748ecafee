import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { PgliteDatabase, QueryResult, SqlRunner } from './database';

export interface PgliteDatabaseOptions {
  /** Directory holding the PGlite cluster; created when missing. */
  dataDir: string;
}

function runnerFor(client: PGlite | Transaction): SqlRunner {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
      const result = await client.query<Row>(sql, [...params]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(script: string): Promise<void> {
      await client.exec(script);
    },
  };
}

/**
 * PGlite is a single PostgreSQL backend in this process: one session, so statements never run
 * in parallel. Its `transaction()` holds an instance-wide mutex from BEGIN to COMMIT, and
 * `query()`/`exec()` outside a transaction wait for that mutex too; pglite-prisma-adapter builds
 * Prisma's interactive transactions on `transaction()`. Concurrent transactions therefore run
 * one after another, never interleaved, whichever client (or this runner) started them.
 */
export async function openPgliteDatabase(options: PgliteDatabaseOptions): Promise<PgliteDatabase> {
  await mkdir(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({ dataDir: options.dataDir });
  const runner = runnerFor(pglite);

  return {
    kind: 'pglite',
    pglite,
    query: runner.query,
    exec: runner.exec,
    async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
      return pglite.transaction((tx) => fn(runnerFor(tx)));
    },
    async checkHealth(): Promise<void> {
      await pglite.query('SELECT 1');
    },
    async close(): Promise<void> {
      if (!pglite.closed) await pglite.close();
    },
  };
}
