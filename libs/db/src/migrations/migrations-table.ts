import { randomUUID } from 'node:crypto';
import type { SqlRunner } from '../database';
import { quoteIdentifier } from '../quote-identifier';
import type { MigrationFile } from './migration-files';

/** One row of Prisma's `_prisma_migrations`, as far as the runner needs it. */
export interface MigrationRecord {
  migrationName: string;
  checksum: string;
  finished: boolean;
  rolledBack: boolean;
}

function table(schema: string): string {
  return `${quoteIdentifier(schema)}."_prisma_migrations"`;
}

/**
 * Prisma's own DDL (schema engine, postgres connector), so `prisma migrate deploy` pointed at
 * `?schema=<service schema>` sees the history this runner writes and vice versa.
 */
export async function ensureMigrationsTable(tx: SqlRunner, schema: string): Promise<void> {
  await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  await tx.exec(`CREATE TABLE IF NOT EXISTS ${table(schema)} (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`);
}

export async function readMigrationRecords(tx: SqlRunner, schema: string): Promise<MigrationRecord[]> {
  const { rows } = await tx.query<MigrationRecord>(
    `SELECT migration_name AS "migrationName", checksum,
            finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS "rolledBack"
       FROM ${table(schema)}
      ORDER BY started_at, migration_name`,
  );
  return rows;
}

/** Records a migration applied in the current transaction, as Prisma records a successful one. */
export async function recordAppliedMigration(
  tx: SqlRunner,
  schema: string,
  migration: MigrationFile,
): Promise<void> {
  await tx.query(
    `INSERT INTO ${table(schema)}
       (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
     VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, now(), 1)`,
    [randomUUID(), migration.checksum, migration.name],
  );
}
