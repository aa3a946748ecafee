import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import { FilesystemBlobStore } from '@stowage/blob-store';
import { InProcessJobQueue } from '@stowage/bus';
import { createPrismaClient, migrate, openDatabase } from '@stowage/db';
import { createMetrics, createServiceApp } from '@stowage/http';
import { createIdentityClient } from '@stowage/identity-client';
import { createSilentLogger } from '@stowage/logging';
import {
  PACKAGE_REGISTRY_MIGRATIONS_DIR,
  PACKAGE_REGISTRY_SCHEMA,
  PrismaClient,
} from '@stowage/package-registry-data';
import { openIdentityApp, type IdentityApp } from '../../../auth-token/test/support/identity-app';
import type { PackageContext, PackageLimits } from '../../src/core/package-context';
import { mountPackageRoutes, packageErrorFormat } from '../../src/http/package-routes';

export const EXTERNAL_URL = 'http://packages.example.test';

/** Two PGlite databases start and migrate: slow on a busy 2-core machine. */
export const WORLD_TIMEOUT_MS = 180_000;

export interface PackageWorld {
  /** The package registry's routes as the gateway reaches them (`/api/v4/...`), for supertest. */
  app: Express;
  ctx: PackageContext;
  prisma: PrismaClient;
  /** auth-token's routes on their own database, answering the registry's authorize calls. */
  identity: IdentityApp;
  /** Every object in the blob store (staging and content-addressed), to prove nothing was left. */
  objectKeys(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The package registry's routes wired as the service wires them, on a PGlite database and a
 * filesystem blob store, asking a real auth-token (its routes over loopback HTTP, uncached so
 * each test sees its own fixtures).
 */
export async function openPackageWorld(limits: Partial<PackageLimits> = {}): Promise<PackageWorld> {
  const identity = await openIdentityApp();
  const dir = mkdtempSync(join(tmpdir(), 'stowage-packages-'));
  const db = await openDatabase({ dataDir: join(dir, 'db') });
  await migrate(db, { schema: PACKAGE_REGISTRY_SCHEMA, migrationsDir: PACKAGE_REGISTRY_MIGRATIONS_DIR });
  const prisma = createPrismaClient(PrismaClient, db);
  const blobs = new FilesystemBlobStore({ directory: join(dir, 'blobs') });
  await blobs.initialize();
  const server = http.createServer(identity.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const jobs = new InProcessJobQueue();
  const logger = createSilentLogger();
  const ctx: PackageContext = {
    prisma,
    blobs,
    jobs,
    identity: createIdentityClient({ authTokenUrl: `http://127.0.0.1:${port}`, cacheTtlMs: 0 }),
    externalUrl: EXTERNAL_URL,
    limits: { maxFileBytes: 1024 ** 2, maxMetadataBytes: 64 * 1024, ...limits },
    logger,
  };
  const app = createServiceApp({
    logger,
    metrics: createMetrics({ service: 'package-registry' }),
    health: { checks: {} },
    errorFormat: packageErrorFormat,
    routes: (router) => mountPackageRoutes(router, ctx),
  });
  return {
    app,
    ctx,
    prisma,
    identity,
    async objectKeys() {
      const keys: string[] = [];
      for await (const info of blobs.list('packages/')) keys.push(info.key);
      return keys;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await jobs.close();
      await prisma.$disconnect();
      await db.close();
      await identity.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
