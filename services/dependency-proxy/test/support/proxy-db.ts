import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBlobStore, type ManagedBlobStore } from '@stowage/blob-store';
import { createPrismaClient, migrate, openDatabase, type Database } from '@stowage/db';
import {
  DEPENDENCY_PROXY_MIGRATIONS_DIR,
  DEPENDENCY_PROXY_SCHEMA,
  PrismaClient,
} from '@stowage/dependency-proxy-data';
import { seedPgliteDataDir } from '../../../../libs/db/test/support/pglite-template';

export interface ProxyStateFixture {
  db: Database;
  prisma: PrismaClient;
  blobs: ManagedBlobStore;
  close(): Promise<void>;
}

/** The proxy's schema on a throwaway PGlite, and a filesystem blob store. One per test file. */
export async function openProxyState(): Promise<ProxyStateFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-proxy-'));
  await seedPgliteDataDir(join(dir, 'db'));
  const db = await openDatabase({ dataDir: join(dir, 'db') });
  await migrate(db, { schema: DEPENDENCY_PROXY_SCHEMA, migrationsDir: DEPENDENCY_PROXY_MIGRATIONS_DIR });
  const prisma = createPrismaClient(PrismaClient, db);
  const blobs = createBlobStore({ directory: join(dir, 'blobs') });
  await blobs.initialize();
  return {
    db,
    prisma,
    blobs,
    async close() {
      await prisma.$disconnect();
      await db.close();
      await blobs.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
