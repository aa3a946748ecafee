import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrismaClient, migrate, openDatabase, type Database } from '@stowage/db';
import { POSTGRES_URL } from '@stowage/testing';
import { createTestDatabase } from '../../../../test/e2e/support/postgres-database';
import { PACKAGE_REGISTRY_MIGRATIONS_DIR, PACKAGE_REGISTRY_SCHEMA, PrismaClient } from '../../src';

export interface PackageDbFixture {
  db: Database;
  prisma: PrismaClient;
  /** A second client on its own connections (PostgreSQL) or the same instance (PGlite). */
  openClient(): Promise<{ prisma: PrismaClient; close(): Promise<void> }>;
  close(): Promise<void>;
}

/** The package registry's schema, migrated, on a throwaway PGlite (standalone mode). One per test file. */
export async function openPglitePackageDb(): Promise<PackageDbFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-packages-'));
  const db = await openDatabase({ dataDir: dir });
  await migrate(db, { schema: PACKAGE_REGISTRY_SCHEMA, migrationsDir: PACKAGE_REGISTRY_MIGRATIONS_DIR });
  const prisma = createPrismaClient(PrismaClient, db);
  return {
    db,
    prisma,
    async openClient() {
      const other = createPrismaClient(PrismaClient, db);
      return { prisma: other, close: () => other.$disconnect() };
    },
    async close() {
      await prisma.$disconnect();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The package registry's schema, migrated, in a database of its own on the test PostgreSQL. */
export async function openPostgresPackageDb(prefix = 'packages'): Promise<PackageDbFixture> {
  const database = await createTestDatabase(POSTGRES_URL, prefix);
  await migrate(database.db, {
    schema: PACKAGE_REGISTRY_SCHEMA,
    migrationsDir: PACKAGE_REGISTRY_MIGRATIONS_DIR,
  });
  const prisma = createPrismaClient(PrismaClient, database.db);
  return {
    db: database.db,
    prisma,
    async openClient() {
      const db = await openDatabase({ url: database.url, maxConnections: 2 });
      const other = createPrismaClient(PrismaClient, db);
      return {
        prisma: other,
        async close() {
          await other.$disconnect();
          await db.close();
        },
      };
    },
    async close() {
      await prisma.$disconnect();
      await database.drop();
    },
  };
}
