import { createMetrics, gitlabErrorFormat, runService, type RunningService } from '@stowage/http';
import type { Logger } from '@stowage/logging';
import { type Infrastructure, infrastructureChecks, openServiceData } from '@stowage/runtime';
import type { PackageRegistryConfig } from './config';
import { PrismaClient } from './generated/prisma/client';
import { PACKAGE_REGISTRY_MIGRATIONS_DIR, PACKAGE_REGISTRY_SCHEMA } from './schema';

export interface PackageRegistryStartOptions {
  config: Pick<PackageRegistryConfig, 'host' | 'port' | 'migrateOnStart'>;
  logger: Logger;
  infra: Pick<Infrastructure, 'db' | 'bus' | 'blobs'>;
  collectProcessMetrics?: boolean;
}

/**
 * Starts the package registry on the given adapters. The format endpoints (npm, PyPI, Maven...)
 * arrive with the package issues; today it serves health and metrics and owns its schema.
 */
export async function startPackageRegistry(options: PackageRegistryStartOptions): Promise<RunningService> {
  const { config, logger, infra } = options;
  const data = await openServiceData({
    infra,
    PrismaClient,
    schema: PACKAGE_REGISTRY_SCHEMA,
    migrationsDir: PACKAGE_REGISTRY_MIGRATIONS_DIR,
    migrateOnStart: config.migrateOnStart,
    logger,
  });
  return runService({
    name: 'package-registry',
    listen: config,
    logger,
    metrics: createMetrics({
      service: 'package-registry',
      collectProcessMetrics: options.collectProcessMetrics ?? true,
    }),
    errorFormat: gitlabErrorFormat,
    ...infrastructureChecks(infra),
    routes: () => undefined,
    onStop: () => data.close(),
  });
}
