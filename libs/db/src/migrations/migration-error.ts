export type MigrationErrorReason =
  /** migration.sql of an applied migration differs from what was applied. */
  | 'checksum-mismatch'
  /** The database records an applied migration that has no directory here. */
  | 'missing-locally'
  /** The database records a migration that started but never finished (e.g. by `prisma migrate deploy`). */
  | 'failed-in-database'
  /** A migration directory has no readable migration.sql. */
  | 'unreadable'
  /** Running a migration's SQL failed; its transaction was rolled back. */
  | 'apply-failed';

/** The database schema and the migration files disagree, so the service must not start. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';

  constructor(
    readonly reason: MigrationErrorReason,
    readonly schema: string,
    readonly migrationName: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
