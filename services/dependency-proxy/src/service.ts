import { createMetrics, ociErrorFormat, runService, type RunningService } from '@stowage/http';
import type { Logger } from '@stowage/logging';
import {
  type Infrastructure,
  infrastructureChecks,
  openRegistryTokenVerifier,
  openServiceData,
} from '@stowage/runtime';
import type { DependencyProxyConfig } from './config';
import { PrismaClient } from '@stowage/dependency-proxy-data';
import { DEPENDENCY_PROXY_TOKEN_AUDIENCE, containersRouter } from './http/containers';
import { DEPENDENCY_PROXY_MIGRATIONS_DIR, DEPENDENCY_PROXY_SCHEMA } from './schema';

export interface DependencyProxyStartOptions {
  config: Pick<
    DependencyProxyConfig,
    'host' | 'port' | 'migrateOnStart' | 'externalUrl' | 'authTokenUrl' | 'jwtIssuer'
  >;
  logger: Logger;
  infra: Pick<Infrastructure, 'db' | 'bus' | 'blobs'>;
  collectProcessMetrics?: boolean;
}

/** Starts the dependency proxy on the given adapters. */
export async function startDependencyProxy(options: DependencyProxyStartOptions): Promise<RunningService> {
  const { config, logger, infra } = options;
  const data = await openServiceData({
    infra,
    PrismaClient,
    schema: DEPENDENCY_PROXY_SCHEMA,
    migrationsDir: DEPENDENCY_PROXY_MIGRATIONS_DIR,
    migrateOnStart: config.migrateOnStart,
    logger,
  });
  const metrics = createMetrics({
    service: 'dependency-proxy',
    collectProcessMetrics: options.collectProcessMetrics ?? true,
  });
  const tokens = await openRegistryTokenVerifier({
    authTokenUrl: config.authTokenUrl,
    issuer: config.jwtIssuer,
    audience: DEPENDENCY_PROXY_TOKEN_AUDIENCE,
    events: infra.bus.events,
    name: 'dependency-proxy',
    metrics,
    logger,
  });
  return runService({
    name: 'dependency-proxy',
    listen: config,
    logger,
    metrics,
    errorFormat: ociErrorFormat,
    ...infrastructureChecks(infra),
    routes: (app) =>
      app.use('/v2', containersRouter({ verify: tokens.verify, externalUrl: config.externalUrl })),
    async onStop() {
      await tokens.close();
      await data.close();
    },
  });
}
