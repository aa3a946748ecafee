import {
  openPgliteMigrated,
  openPostgresMigrated,
  type MigratedDatabase,
  type MigratedSchema,
} from '../../../../test/e2e/support/migrated-database';
import { DEPENDENCY_PROXY_MIGRATIONS_DIR, DEPENDENCY_PROXY_SCHEMA, PrismaClient } from '../../src';

export type ProxyDbFixture = MigratedDatabase<PrismaClient>;

const DEPENDENCY_PROXY: MigratedSchema<PrismaClient> = {
  schema: DEPENDENCY_PROXY_SCHEMA,
  migrationsDir: DEPENDENCY_PROXY_MIGRATIONS_DIR,
  PrismaClient,
};

/** The proxy's schema, migrated, on a throwaway PGlite (standalone mode). One per test file. */
export const openPgliteProxyDb = (): Promise<ProxyDbFixture> => openPgliteMigrated(DEPENDENCY_PROXY, 'proxy');

/** The proxy's schema, migrated, in a database of its own on the test PostgreSQL (distributed mode). */
export const openPostgresProxyDb = (prefix = 'proxy'): Promise<ProxyDbFixture> =>
  openPostgresMigrated(DEPENDENCY_PROXY, prefix);
