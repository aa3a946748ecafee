import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrismaClient, migrate, openDatabase, type Database } from '@stowage/db';
import { POSTGRES_URL } from '@stowage/testing';
import { createTestDatabase } from '../../../../test/e2e/support/postgres-database';
import { DEPENDENCY_PROXY_MIGRATIONS_DIR, DEPENDENCY_PROXY_SCHEMA, PrismaClient } from '../../src';

export interface ProxyDbFixture {
  db: Database;
  prisma: PrismaClient;
  /** A second client on its own connections (PostgreSQL) or the same instance (PGlite). */
  openClient(): Promise<{ prisma: PrismaClient; close(): Promise<void> }>;
  close(): Promise<void>;
}

/** The proxy's schema, migrated, on a throwaway PGlite (standalone mode). One per test file. */
export async function openPgliteProxyDb(): Promise<ProxyDbFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-proxy-'));
  const db = await openDatabase({ dataDir: dir });
  await migrate(db, { schema: DEPENDENCY_PROXY_SCHEMA, migrationsDir: DEPENDENCY_PROXY_MIGRATIONS_DIR });
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

/** The proxy's schema, migrated, in a database of its own on the test PostgreSQL (distributed mode). */
export async function openPostgresProxyDb(prefix = 'proxy'): Promise<ProxyDbFixture> {
  const database = await createTestDatabase(POSTGRES_URL, prefix);
  await migrate(database.db, {
    schema: DEPENDENCY_PROXY_SCHEMA,
    migrationsDir: DEPENDENCY_PROXY_MIGRATIONS_DIR,
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
