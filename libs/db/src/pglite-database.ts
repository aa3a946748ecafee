import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { PgliteDatabase, QueryResult, SqlRunner } from './database';
import { initialisePgliteDataDir } from './pglite-initdb';

/**
 * PostgreSQL settings on the command line of our PGlite (they win over the data directory's
 * postgresql.conf, which stays as initdb wrote it). PGlite's memory is WebAssembly memory that
 * never shrinks, and PostgreSQL touches all of shared_buffers when it starts: the default 128 MB
 * would be resident from the first second. Stowage's tables hold metadata (manifests, tags,
 * packages), and PGlite reads its files through the operating system's page cache, which keeps
 * the rest warm; 16 MB (2,048 pages) holds the hot rows.
 */
const MEMORY_SETTINGS = ['shared_buffers=16MB'];

export interface PgliteDatabaseOptions {
  /** Directory holding the PGlite cluster; created when missing. */
  dataDir: string;
  /**
   * Runs initdb on an empty directory in a short-lived child process (initialisePgliteDataDir),
   * so a long-lived process does not keep initdb's memory. It costs a second PGlite start (1-2 s),
   * so only the standalone process asks for it; throwaway databases (tests) do not.
   */
  initdbInChildProcess?: boolean;
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
  if (options.initdbInChildProcess) await initialisePgliteDataDir(options.dataDir);
  const pglite = await PGlite.create({
    dataDir: options.dataDir,
    startParams: [...PGlite.defaultStartParams, ...MEMORY_SETTINGS.flatMap((setting) => ['-c', setting])],
  });
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
