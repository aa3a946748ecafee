import type { Database, SqlRunner } from '../database';
import type { DbLogger } from '../db-logger';
import { checksumMatches } from './checksum';
import { MigrationError } from './migration-error';
import { readMigrationFiles, type MigrationFile } from './migration-files';
import {
  ensureMigrationsTable,
  readMigrationRecords,
  recordAppliedMigration,
  type MigrationRecord,
} from './migrations-table';

export interface MigrateOptions {
  /** The service's PostgreSQL schema; also holds its `_prisma_migrations` table. */
  schema: string;
  /** The service's `prisma/migrations` directory. */
  migrationsDir: string;
  logger?: Pick<DbLogger, 'info'>;
}

export interface MigrateResult {
  /** Migrations this call applied, in order; empty when the schema was up to date. */
  applied: string[];
}

/**
 * Serialises runners on the same schema across processes (PostgreSQL) for the lifetime of the
 * current transaction. On PGlite it is redundant (one session, transactions already run one at a
 * time) and harmless.
 */
async function lockSchema(tx: SqlRunner, schema: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('stowage.migrate'), hashtext($1))::text`, [schema]);
}

/**
 * Checks the recorded history against the files and returns the names already applied. Rows
 * Prisma marked rolled back (`migrate resolve --rolled-back`) do not count, as in Prisma.
 */
function appliedMigrations(schema: string, records: MigrationRecord[], files: MigrationFile[]): Set<string> {
  const byName = new Map(files.map((file) => [file.name, file]));
  const applied = new Set<string>();
  for (const record of records.filter((r) => !r.rolledBack)) {
    const name = record.migrationName;
    if (!record.finished) {
      throw new MigrationError(
        'failed-in-database',
        schema,
        name,
        `migration ${name} in schema ${schema} started but did not finish; fix the schema by hand, then mark it ` +
          `rolled back or applied (prisma migrate resolve) before starting again`,
      );
    }
    const file = byName.get(name);
    if (!file) {
      throw new MigrationError(
        'missing-locally',
        schema,
        name,
        `migration ${name} is applied in schema ${schema} but its directory is missing; is this an older build?`,
      );
    }
    if (!checksumMatches(file.script, record.checksum)) {
      throw new MigrationError(
        'checksum-mismatch',
        schema,
        name,
        `migration ${name} was changed after it was applied to schema ${schema} ` +
          `(recorded checksum ${record.checksum}, file ${file.checksum}); add a new migration instead`,
      );
    }
    applied.add(name);
  }
  return applied;
}

async function applyIfPending(db: Database, schema: string, files: MigrationFile[], file: MigrationFile) {
  return db.transaction(async (tx) => {
    await lockSchema(tx, schema);
    // Re-read under the lock: another process may have applied it since we looked.
    const applied = appliedMigrations(schema, await readMigrationRecords(tx, schema), files);
    if (applied.has(file.name)) return false;
    try {
      await tx.exec(file.script.toString('utf8'));
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new MigrationError(
        'apply-failed',
        schema,
        file.name,
        `migration ${file.name} failed: ${detail}`,
        {
          cause: error,
        },
      );
    }
    await recordAppliedMigration(tx, schema, file);
    return true;
  });
}

/**
 * Brings `schema` up to date with `migrationsDir` (Prisma's folder layout). Each pending
 * migration runs in its own transaction together with its `_prisma_migrations` row, so a
 * failing one leaves neither tables nor a row behind. Throws a {@link MigrationError} and
 * applies nothing more when history and files disagree. Safe to run from several processes
 * at once: an advisory lock keyed on the schema name serialises them.
 *
 * Scripts run inside a transaction, so statements that refuse one (CREATE INDEX CONCURRENTLY,
 * ALTER TYPE ... ADD VALUE before PostgreSQL 12) do not belong in a migration here.
 */
export async function migrate(db: Database, options: MigrateOptions): Promise<MigrateResult> {
  const { schema, logger } = options;
  const files = await readMigrationFiles(options.migrationsDir, schema);

  let pending: MigrationFile[] = [];
  await db.transaction(async (tx) => {
    await lockSchema(tx, schema);
    await ensureMigrationsTable(tx, schema);
    const applied = appliedMigrations(schema, await readMigrationRecords(tx, schema), files);
    pending = files.filter((file) => !applied.has(file.name));
  });

  const result: MigrateResult = { applied: [] };
  for (const file of pending) {
    if (await applyIfPending(db, schema, files, file)) {
      logger?.info('applied migration', { schema, migration: file.name });
      result.applied.push(file.name);
    }
  }
  return result;
}
