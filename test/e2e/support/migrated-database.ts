import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPrismaClient,
  migrate,
  openDatabase,
  type Database,
  type PrismaClientClass,
} from '@stowage/db';
import { POSTGRES_URL } from '@stowage/testing';
import { createTestDatabase } from './postgres-database';
import { seedPgliteDataDir } from '../../../libs/db/test/support/pglite-template';

/** What a data library's tests need to open its schema: the schema, its migrations, its client. */
export interface MigratedSchema<C> {
  schema: string;
  migrationsDir: string;
  PrismaClient: PrismaClientClass<C>;
}

export interface MigratedDatabase<C> {
  db: Database;
  prisma: C;
  /** A second client on its own connections (PostgreSQL) or the same instance (PGlite). */
  openClient(): Promise<{ prisma: C; close(): Promise<void> }>;
  close(): Promise<void>;
}

interface Disconnectable {
  $disconnect(): Promise<void>;
}

/** The schema, migrated, on a throwaway PGlite (standalone mode). One per test file. */
export async function openPgliteMigrated<C extends Disconnectable>(
  target: MigratedSchema<C>,
  prefix: string,
): Promise<MigratedDatabase<C>> {
  const dir = mkdtempSync(join(tmpdir(), `stowage-${prefix}-`));
  await seedPgliteDataDir(dir);
  const db = await openDatabase({ dataDir: dir });
  await migrate(db, { schema: target.schema, migrationsDir: target.migrationsDir });
  const prisma = createPrismaClient(target.PrismaClient, db);
  return {
    db,
    prisma,
    async openClient() {
      const other = createPrismaClient(target.PrismaClient, db);
      return { prisma: other, close: () => other.$disconnect() };
    },
    async close() {
      await prisma.$disconnect();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The schema, migrated, in a database of its own on the test PostgreSQL (distributed mode). */
export async function openPostgresMigrated<C extends Disconnectable>(
  target: MigratedSchema<C>,
  prefix: string,
): Promise<MigratedDatabase<C>> {
  const database = await createTestDatabase(POSTGRES_URL, prefix);
  await migrate(database.db, { schema: target.schema, migrationsDir: target.migrationsDir });
  const prisma = createPrismaClient(target.PrismaClient, database.db);
  return {
    db: database.db,
    prisma,
    async openClient() {
      const db = await openDatabase({ url: database.url, maxConnections: 2 });
      const other = createPrismaClient(target.PrismaClient, db);
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
