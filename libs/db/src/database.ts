import type { PGlite } from '@electric-sql/pglite';
import type { Pool } from 'pg';

/** Rows returned by {@link SqlRunner.query}. */
export interface QueryResult<Row> {
  rows: Row[];
  /** Rows affected by INSERT/UPDATE/DELETE, or returned by SELECT. */
  rowCount: number;
}

/**
 * The minimal SQL surface the migration runner, health checks and tests need. Services talk to
 * their tables through Prisma, not through this.
 */
export interface SqlRunner {
  /**
   * Runs one statement with `$1`-style parameters and returns its rows. Row types are not checked
   * at run time: `Row` is what the caller promises the statement returns.
   */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;

  /**
   * Runs a script of one or more statements without parameters (simple query protocol), as a
   * migration.sql file is run.
   */
  exec(script: string): Promise<void>;
}

export type DatabaseKind = 'postgres' | 'pglite';

interface DatabaseBase extends SqlRunner {
  readonly kind: DatabaseKind;

  /**
   * Runs `fn` inside BEGIN/COMMIT on one connection, rolling back when it throws. On PGlite every
   * transaction (this one or a Prisma client's) holds the whole instance until it ends, so keep
   * them short and never wait on another client from inside one.
   */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;

  /** Resolves when the database answers `SELECT 1`; rejects with the driver's error otherwise. */
  checkHealth(): Promise<void>;

  /**
   * Ends the pool or closes the PGlite instance. Call once, after every Prisma client built on
   * this database has been disconnected.
   */
  close(): Promise<void>;
}

/** A PostgreSQL server reached through a `pg` pool that every Prisma client shares. */
export interface PostgresDatabase extends DatabaseBase {
  readonly kind: 'postgres';
  readonly pool: Pool;
}

/** An embedded PGlite instance (one per process) that every Prisma client shares. */
export interface PgliteDatabase extends DatabaseBase {
  readonly kind: 'pglite';
  readonly pglite: PGlite;
}

export type Database = PostgresDatabase | PgliteDatabase;
