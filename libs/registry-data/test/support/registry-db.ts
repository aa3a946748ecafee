import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrismaClient, migrate, openDatabase, type Database } from '@stowage/db';
import { PrismaClient, REGISTRY_MIGRATIONS_DIR, REGISTRY_SCHEMA } from '../../src';
import { seedPgliteDataDir } from '../../../db/test/support/pglite-template';

export interface RegistryDbFixture {
  db: Database;
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** The same fixture under its shorter name (both are in use). */

/** The registry's schema, migrated, on a throwaway PGlite. Open one per test file (beforeAll). */
export async function openRegistryDb(): Promise<RegistryDbFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-registry-'));
  await seedPgliteDataDir(dir);
  const db = await openDatabase({ dataDir: dir });
  await migrate(db, { schema: REGISTRY_SCHEMA, migrationsDir: REGISTRY_MIGRATIONS_DIR });
  const prisma = createPrismaClient(PrismaClient, db);
  return {
    db,
    prisma,
    async close() {
      await prisma.$disconnect();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
