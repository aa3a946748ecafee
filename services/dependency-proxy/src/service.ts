import { createTokenVerifier } from '@stowage/auth';
import { createPrismaClient, migrate } from '@stowage/db';
import { createMetrics, ociErrorFormat, runService, type RunningService } from '@stowage/http';
import type { Logger } from '@stowage/logging';
import { OutboxRelay } from '@stowage/outbox';
import { refreshKeysOnSigningKeyEvents, type Infrastructure } from '@stowage/runtime';
import type { DependencyProxyConfig } from './config';
import { PrismaClient } from './generated/prisma/client';
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
  if (config.migrateOnStart) {
    await migrate(infra.db, {
      schema: DEPENDENCY_PROXY_SCHEMA,
      migrationsDir: DEPENDENCY_PROXY_MIGRATIONS_DIR,
      logger,
    });
  }
  const prisma = createPrismaClient(PrismaClient, infra.db);
  const relay = new OutboxRelay({
    db: infra.db,
    schema: DEPENDENCY_PROXY_SCHEMA,
    events: infra.bus.events,
    logger,
  });
  relay.start();
  const verifier = createTokenVerifier({
    jwksUri: `${config.authTokenUrl.replace(/\/$/, '')}/-/jwks`,
    issuer: config.jwtIssuer,
    audiences: [DEPENDENCY_PROXY_TOKEN_AUDIENCE],
  });
  const metrics = createMetrics({
    service: 'dependency-proxy',
    collectProcessMetrics: options.collectProcessMetrics ?? true,
  });
  const keyEvents = await refreshKeysOnSigningKeyEvents({
    events: infra.bus.events,
    group: 'dependency-proxy',
    verifier,
    metrics,
    logger,
  });
  return runService({
    name: 'dependency-proxy',
    listen: config,
    logger,
    metrics,
    errorFormat: ociErrorFormat,
    checks: {
      database: () => infra.db.checkHealth(),
      bus: () => infra.bus.events.checkHealth(),
      storage: () => infra.blobs.checkHealth(),
    },
    routes: (app) => app.use('/v2', containersRouter({ verifier, externalUrl: config.externalUrl })),
    async onStop() {
      await keyEvents.close();
      await relay.stop();
      await prisma.$disconnect();
    },
  });
}
