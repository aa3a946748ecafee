import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express, { type Express } from 'express';
import { createBlobStore, type ManagedBlobStore } from '@stowage/blob-store';
import type { JobQueue } from '@stowage/bus';
import { createPrismaClient, migrate, openDatabase, type Database } from '@stowage/db';
import { createMetrics, createServiceApp } from '@stowage/http';
import type { IdentityClient } from '@stowage/identity-client';
import { createSilentLogger } from '@stowage/logging';
import {
  PACKAGE_REGISTRY_MIGRATIONS_DIR,
  PACKAGE_REGISTRY_SCHEMA,
  PrismaClient,
} from '@stowage/package-registry-data';
import { packageGitlabErrorFormat } from '../../src/core/error-formats';
import type { PackageContext, PackageLimits } from '../../src/core/package-context';
import type { PackageFormat } from '../../src/formats';

export interface RegistryAppFixture {
  app: Express;
  ctx: PackageContext;
  blobs: ManagedBlobStore;
  close(): Promise<void>;
}

/**
 * The package registry's formats in process, on a throwaway PGlite and a filesystem blob store,
 * with the identity client given (fake-identity.ts): what a format does with real storage and
 * the real core, without auth-token. One per test file.
 */
export async function openRegistryApp(options: {
  formats: readonly PackageFormat[];
  identity: IdentityClient;
  limits?: Partial<PackageLimits>;
}): Promise<RegistryAppFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-packages-'));
  const db: Database = await openDatabase({ dataDir: join(dir, 'db') });
  await migrate(db, { schema: PACKAGE_REGISTRY_SCHEMA, migrationsDir: PACKAGE_REGISTRY_MIGRATIONS_DIR });
  const prisma = createPrismaClient(PrismaClient, db);
  const blobs = createBlobStore({ directory: join(dir, 'blobs') });
  await blobs.initialize();
  const logger = createSilentLogger();
  const ctx: PackageContext = {
    prisma,
    blobs,
    jobs: {} as JobQueue,
    identity: options.identity,
    externalUrl: 'http://localhost:8080',
    limits: { maxFileBytes: 1024 * 1024, maxMetadataBytes: 64 * 1024, ...options.limits },
    logger,
  };
  const app = createServiceApp({
    logger,
    metrics: createMetrics({ service: 'package-registry-test' }),
    health: { checks: {} },
    errorFormat: packageGitlabErrorFormat,
    routes: (service) => {
      const api = express.Router();
      for (const format of options.formats) format.routes(api, ctx);
      service.use('/api/v4', api);
    },
  });
  return {
    app,
    ctx,
    blobs,
    async close() {
      await prisma.$disconnect();
      await db.close();
      await blobs.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
