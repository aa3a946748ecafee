export type {
  Database,
  DatabaseKind,
  PgliteDatabase,
  PostgresDatabase,
  QueryResult,
  SqlRunner,
} from './database';
export type { DbLogger } from './db-logger';
export { openDatabase, type OpenDatabaseOptions } from './open-database';
export {
  createPrismaAdapter,
  createPrismaClient,
  PGLITE_TRANSACTION_MAX_WAIT_MS,
  type PrismaClientClass,
  type PrismaClientWiring,
  type PrismaDriverAdapter,
} from './prisma-client';
export { migrate, type MigrateOptions, type MigrateResult } from './migrations/migrate';
export { MigrationError, type MigrationErrorReason } from './migrations/migration-error';
export { checksumMatches, migrationChecksum } from './migrations/checksum';
export { findSchemaDrift } from './schema-agreement';
export { DatabaseUnavailableError, isDatabaseOutage, translateDatabaseOutage } from './database-unavailable';
export { isNoticeChannel, openNoticeFeed, type NoticeFeed, type NoticeFeedOptions } from './notice-feed';
