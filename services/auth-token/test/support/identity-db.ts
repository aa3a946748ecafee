import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrismaClient, migrate, openDatabase, type Database } from '@stowage/db';
import { PrismaClient } from '../../src/generated/prisma/client';
import { AUTH_TOKEN_MIGRATIONS_DIR, AUTH_TOKEN_SCHEMA } from '../../src/schema';
import { seedPgliteDataDir } from '../../../../libs/db/test/support/pglite-template';

export interface IdentityDb {
  db: Database;
  prisma: PrismaClient;
  /** Empties every identity table (fresh settings row), much faster than a new database. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const IDENTITY_TABLES = [
  'users',
  'namespaces',
  'projects',
  'routes',
  'members',
  'personal_access_tokens',
  'deploy_tokens',
  'job_tokens',
  'job_token_scope_links',
  'sessions',
  'application_settings',
  'signing_keys',
  'outbox_events',
];

/**
 * auth-token's schema, migrated, on a throwaway PGlite (the standalone database). Open one per
 * test file in beforeAll: starting PGlite takes a moment.
 */
export async function openIdentityDb(): Promise<IdentityDb> {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-identity-'));
  await seedPgliteDataDir(dir);
  const db = await openDatabase({ dataDir: dir });
  await migrate(db, { schema: AUTH_TOKEN_SCHEMA, migrationsDir: AUTH_TOKEN_MIGRATIONS_DIR });
  const prisma = createPrismaClient(PrismaClient, db);
  return {
    db,
    prisma,
    async reset() {
      const tables = IDENTITY_TABLES.map((table) => `"${AUTH_TOKEN_SCHEMA}"."${table}"`).join(', ');
      await db.exec(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
      await db.exec(`INSERT INTO "${AUTH_TOKEN_SCHEMA}"."application_settings" ("id") VALUES (1)`);
    },
    async close() {
      await prisma.$disconnect();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
