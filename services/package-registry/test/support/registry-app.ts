import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import { createBlobStore, type ManagedBlobStore } from '@stowage/blob-store';
import { createMetrics, createServiceApp } from '@stowage/http';
import type { IdentityClient } from '@stowage/identity-client';
import { createSilentLogger } from '@stowage/logging';
import type { PrismaClient } from '@stowage/package-registry-data';
import { openPglitePackageDb } from '../../../../libs/package-registry-data/test/support/package-db';
import { RecordingJobQueue } from '../../../registry/test/api/support/rest-api-world';
import type { PackageContext, PackageLimits } from '../../src/core/package-context';
import { mountPackageRoutes, packageErrorFormat } from '../../src/http/package-routes';

/** PGlite's first start on a busy machine. */
export const REGISTRY_APP_TIMEOUT_MS = 120_000;

export interface RegistryAppFixture {
  /** The package registry's routes as the gateway reaches them (`/api/v4/...`), for supertest. */
  app: Express;
  ctx: PackageContext;
  prisma: PrismaClient;
  blobs: ManagedBlobStore;
  jobs: RecordingJobQueue;
  /** Every object in the blob store (staging and content-addressed), to prove nothing was left. */
  objectKeys(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The package registry's routes wired as the service wires them (every format, the Packages API,
 * each format's error shape), on a throwaway PGlite, a filesystem blob store and a recording job
 * queue, asking the identity client given: the FakeIdentity stand-in (fake-identity.ts) or a real
 * auth-token (package-world.ts). One per test file.
 */
export async function openRegistryApp(options: {
  identity: IdentityClient;
  externalUrl?: string;
  limits?: Partial<PackageLimits>;
}): Promise<RegistryAppFixture> {
  const db = await openPglitePackageDb();
  const dir = mkdtempSync(join(tmpdir(), 'stowage-package-blobs-'));
  const blobs = createBlobStore({ directory: dir });
  await blobs.initialize();
  const jobs = new RecordingJobQueue();
  const logger = createSilentLogger();
  const ctx: PackageContext = {
    prisma: db.prisma,
    blobs,
    jobs,
    identity: options.identity,
    externalUrl: options.externalUrl ?? 'http://packages.example.test',
    limits: { maxFileBytes: 1024 * 1024, maxMetadataBytes: 64 * 1024, ...options.limits },
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
    prisma: db.prisma,
    blobs,
    jobs,
    async objectKeys() {
      const keys: string[] = [];
      for await (const info of blobs.list('packages/')) keys.push(info.key);
      return keys;
    },
    async close() {
      await jobs.close();
      await blobs.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
