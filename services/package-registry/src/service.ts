import { createMetrics, runService, type RunningService } from '@stowage/http';
import { createIdentityClient } from '@stowage/identity-client';
import type { Logger } from '@stowage/logging';
import { PrismaClient } from '@stowage/package-registry-data';
import { type Infrastructure, infrastructureChecks, openServiceData } from '@stowage/runtime';
import type { PackageLimitsConfig, PackageRegistryConfig } from './config';
import type { PackageContext } from './core/package-context';
import { mountPackageRoutes, packageErrorFormat } from './http/package-routes';
import { PACKAGE_REGISTRY_MIGRATIONS_DIR, PACKAGE_REGISTRY_SCHEMA } from './schema';

const DEFAULT_LIMITS: PackageLimitsConfig = {
  packageMaxFileBytes: 5 * 1024 ** 3,
  packageMaxMetadataBytes: 10 * 1024 ** 2,
};

export interface PackageRegistryStartOptions {
  config: Pick<PackageRegistryConfig, 'host' | 'port' | 'migrateOnStart' | 'externalUrl' | 'authTokenUrl'> &
    Partial<PackageLimitsConfig & { internalApiSecret: string }>;
  logger: Logger;
  infra: Pick<Infrastructure, 'db' | 'bus' | 'blobs'>;
  collectProcessMetrics?: boolean;
}

/** Starts the package registry: GitLab's Packages API and every format's endpoints under `/api/v4`. */
export async function startPackageRegistry(options: PackageRegistryStartOptions): Promise<RunningService> {
  const { logger, infra } = options;
  const config = { ...DEFAULT_LIMITS, ...options.config };
  const data = await openServiceData({
    infra,
    PrismaClient,
    schema: PACKAGE_REGISTRY_SCHEMA,
    migrationsDir: PACKAGE_REGISTRY_MIGRATIONS_DIR,
    migrateOnStart: config.migrateOnStart,
    logger,
  });
  const identity = createIdentityClient({
    authTokenUrl: config.authTokenUrl,
    internalSecret: config.internalApiSecret || undefined,
  });
  const identityEvents = await identity.invalidateOnIdentityEvents(infra.bus.events, 'package-registry');
  const ctx: PackageContext = {
    prisma: data.prisma,
    blobs: infra.blobs,
    jobs: infra.bus.jobs,
    identity,
    externalUrl: config.externalUrl.replace(/\/$/, ''),
    limits: { maxFileBytes: config.packageMaxFileBytes, maxMetadataBytes: config.packageMaxMetadataBytes },
    logger,
  };
  return runService({
    name: 'package-registry',
    listen: config,
    logger,
    metrics: createMetrics({
      service: 'package-registry',
      collectProcessMetrics: options.collectProcessMetrics ?? true,
    }),
    errorFormat: packageErrorFormat,
    ...infrastructureChecks(infra),
    routes: (app) => mountPackageRoutes(app, ctx),
    async onStop() {
      await identityEvents.close();
      await data.close();
    },
  });
}
