import {
  openPgliteMigrated,
  openPostgresMigrated,
  type MigratedDatabase,
  type MigratedSchema,
} from '../../../../test/e2e/support/migrated-database';
import { PACKAGE_REGISTRY_MIGRATIONS_DIR, PACKAGE_REGISTRY_SCHEMA, PrismaClient } from '../../src';

export type PackageDbFixture = MigratedDatabase<PrismaClient>;

const PACKAGE_REGISTRY: MigratedSchema<PrismaClient> = {
  schema: PACKAGE_REGISTRY_SCHEMA,
  migrationsDir: PACKAGE_REGISTRY_MIGRATIONS_DIR,
  PrismaClient,
};

/** The package registry's schema, migrated, on a throwaway PGlite (standalone mode). One per test file. */
export const openPglitePackageDb = (): Promise<PackageDbFixture> =>
  openPgliteMigrated(PACKAGE_REGISTRY, 'packages');

/** The package registry's schema, migrated, in a database of its own on the test PostgreSQL. */
export const openPostgresPackageDb = (prefix = 'packages'): Promise<PackageDbFixture> =>
  openPostgresMigrated(PACKAGE_REGISTRY, prefix);
