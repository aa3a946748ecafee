import type { Express } from 'express';
import type { ManagedBlobStore } from '@stowage/blob-store';
import { createMetrics, createServiceApp } from '@stowage/http';
import type { IdentityClient } from '@stowage/identity-client';
import { createSilentLogger } from '@stowage/logging';
import type { PrismaClient } from '@stowage/package-registry-data';
import { openBlobFolder } from '../../../../libs/blob-store/test/support/blob-folder';
import { openPglitePackageDb } from '../../../../libs/package-registry-data/test/support/package-db';
import { RecordingJobQueue } from '../../../registry/test/api/support/rest-api-world';
import type { PackageContext, PackageLimits } from '../../src/core/package-context';
import { mountPackageRoutes, packageErrorFormat } from '../../src/http/package-routes';

/** PGlite's first start on a busy machine. */
export const REGISTRY_APP_TIMEOUT_MS = 120_000;

export interface PackageContextFixture {
  ctx: PackageContext;
  prisma: PrismaClient;
  blobs: ManagedBlobStore;
  jobs: RecordingJobQueue;
  /** Every object in the blob store (staging and content-addressed), to prove nothing was left. */
  objectKeys(): Promise<string[]>;
  close(): Promise<void>;
}

export interface RegistryAppFixture extends PackageContextFixture {
  /** The package registry's routes as the gateway reaches them (`/api/v4/...`), for supertest. */
  app: Express;
}

export interface PackageContextOptions {
  identity: IdentityClient;
  externalUrl?: string;
  limits?: Partial<PackageLimits>;
}

/**
 * What the service's code runs on, for tests: a throwaway PGlite, a filesystem blob store, a
 * recording job queue and the identity client given. One per test file.
 */
export async function openPackageContext(options: PackageContextOptions): Promise<PackageContextFixture> {
  const db = await openPglitePackageDb();
  const folder = await openBlobFolder('stowage-package-blobs');
  const { blobs } = folder;
  const jobs = new RecordingJobQueue();
  const ctx: PackageContext = {
    prisma: db.prisma,
    blobs,
    jobs,
    identity: options.identity,
    externalUrl: options.externalUrl ?? 'http://packages.example.test',
    limits: { maxFileBytes: 1024 * 1024, maxMetadataBytes: 64 * 1024, ...options.limits },
    logger: createSilentLogger(),
  };
  return {
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
      await folder.close();
      await db.close();
    },
  };
}

/**
 * The package registry's routes wired as the service wires them (every format, the Packages API,
 * each format's error shape) on openPackageContext, asking the identity client given: the
 * FakeIdentity stand-in (fake-identity.ts) or a real auth-token (package-world.ts).
 */
export async function openRegistryApp(options: PackageContextOptions): Promise<RegistryAppFixture> {
  const fixture = await openPackageContext(options);
  const app = createServiceApp({
    logger: fixture.ctx.logger,
    metrics: createMetrics({ service: 'package-registry' }),
    health: { checks: {} },
    errorFormat: packageErrorFormat,
    routes: (router) => mountPackageRoutes(router, fixture.ctx),
  });
  return { ...fixture, app };
}
