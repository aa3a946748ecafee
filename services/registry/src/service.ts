import { createTokenVerifier } from '@stowage/auth';
import { createPrismaClient, migrate } from '@stowage/db';
import { createMetrics, ociErrorFormat, runService, type RunningService } from '@stowage/http';
import type { Logger } from '@stowage/logging';
import { OutboxRelay } from '@stowage/outbox';
import { refreshKeysOnSigningKeyEvents, type Infrastructure } from '@stowage/runtime';
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
  if (config.migrateOnStart) {
    await migrate(infra.db, { schema: REGISTRY_SCHEMA, migrationsDir: REGISTRY_MIGRATIONS_DIR, logger });
  }
  const prisma = createPrismaClient(PrismaClient, infra.db);
  const relay = new OutboxRelay({ db: infra.db, schema: REGISTRY_SCHEMA, events: infra.bus.events, logger });
  relay.start();
  const verifier = createTokenVerifier({
    jwksUri: `${config.authTokenUrl.replace(/\/$/, '')}/-/jwks`,
    issuer: config.jwtIssuer,
    audiences: [REGISTRY_TOKEN_AUDIENCE],
  });
  const metrics = createMetrics({
    service: 'registry',
    collectProcessMetrics: options.collectProcessMetrics ?? true,
  });
  const keyEvents = await refreshKeysOnSigningKeyEvents({
    events: infra.bus.events,
    group: 'registry',
    verifier,
    metrics,
    logger,
  });
  return runService({
    name: 'registry',
    listen: config,
    logger,
    metrics,
    errorFormat: ociErrorFormat,
    checks: {
      database: () => infra.db.checkHealth(),
      bus: () => infra.bus.events.checkHealth(),
      storage: () => infra.blobs.checkHealth(),
    },
    routes: (app) => app.use('/v2', registryBaseRouter({ verifier, externalUrl: config.externalUrl })),
    async onStop() {
      await keyEvents.close();
      await relay.stop();
      await prisma.$disconnect();
    },
  });
}
