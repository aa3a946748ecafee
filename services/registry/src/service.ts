import { createMetrics, ociErrorFormat, runService, type RunningService } from '@stowage/http';
import type { Logger } from '@stowage/logging';
import {
  type Infrastructure,
  infrastructureChecks,
  openRegistryTokenVerifier,
  openServiceData,
} from '@stowage/runtime';
import type { RegistryConfig } from './config';
import { PrismaClient } from './generated/prisma/client';
import { REGISTRY_TOKEN_AUDIENCE, registryBaseRouter } from './http/base';
import { REGISTRY_MIGRATIONS_DIR, REGISTRY_SCHEMA } from './schema';

export interface RegistryStartOptions {
  config: Pick<
    RegistryConfig,
    'host' | 'port' | 'migrateOnStart' | 'externalUrl' | 'authTokenUrl' | 'jwtIssuer'
  >;
  logger: Logger;
  infra: Pick<Infrastructure, 'db' | 'bus' | 'blobs'>;
  collectProcessMetrics?: boolean;
}

/** Starts the container registry on the given adapters. */
export async function startRegistry(options: RegistryStartOptions): Promise<RunningService> {
  const { config, logger, infra } = options;
  const data = await openServiceData({
    infra,
    PrismaClient,
    schema: REGISTRY_SCHEMA,
    migrationsDir: REGISTRY_MIGRATIONS_DIR,
    migrateOnStart: config.migrateOnStart,
    logger,
  });
  const metrics = createMetrics({
    service: 'registry',
    collectProcessMetrics: options.collectProcessMetrics ?? true,
  });
  const tokens = await openRegistryTokenVerifier({
    authTokenUrl: config.authTokenUrl,
    issuer: config.jwtIssuer,
    audience: REGISTRY_TOKEN_AUDIENCE,
    events: infra.bus.events,
    name: 'registry',
    metrics,
    logger,
  });
  return runService({
    name: 'registry',
    listen: config,
    logger,
    metrics,
    errorFormat: ociErrorFormat,
    checks: infrastructureChecks(infra),
    routes: (app) =>
      app.use('/v2', registryBaseRouter({ verify: tokens.verify, externalUrl: config.externalUrl })),
    async onStop() {
      await tokens.close();
      await data.close();
    },
  });
}
