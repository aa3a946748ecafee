import { createPrismaClient, migrate } from '@stowage/db';
import { createMetrics, gitlabErrorFormat, runService, type RunningService } from '@stowage/http';
import type { Logger } from '@stowage/logging';
import { OutboxRelay } from '@stowage/outbox';
import type { Infrastructure } from '@stowage/runtime';
import type { AuthTokenConfig } from './config';
import { ensureSigningKey } from './domain/signing-keys';
import { PrismaClient } from './generated/prisma/client';
import { jwksRouter } from './http/jwks';
import { AUTH_TOKEN_MIGRATIONS_DIR, AUTH_TOKEN_SCHEMA } from './schema';

export interface AuthTokenStartOptions {
  config: Pick<AuthTokenConfig, 'host' | 'port' | 'migrateOnStart'>;
  logger: Logger;
  infra: Pick<Infrastructure, 'db' | 'bus'>;
  collectProcessMetrics?: boolean;
}

/** Starts auth-token on the given adapters: migrate, make sure a signing key exists, serve. */
export async function startAuthToken(options: AuthTokenStartOptions): Promise<RunningService> {
  const { config, logger, infra } = options;
  if (config.migrateOnStart) {
    await migrate(infra.db, { schema: AUTH_TOKEN_SCHEMA, migrationsDir: AUTH_TOKEN_MIGRATIONS_DIR, logger });
  }
  const prisma = createPrismaClient(PrismaClient, infra.db);
  const relay = new OutboxRelay({
    db: infra.db,
    schema: AUTH_TOKEN_SCHEMA,
    events: infra.bus.events,
    logger,
  });
  relay.start();
  const key = await ensureSigningKey(prisma);
  if (key.created) {
    logger.info('created signing key', { kid: key.kid });
    relay.nudge();
  }
  return runService({
    name: 'auth-token',
    listen: config,
    logger,
    metrics: createMetrics({
      service: 'auth-token',
      collectProcessMetrics: options.collectProcessMetrics ?? true,
    }),
    errorFormat: gitlabErrorFormat,
    checks: { database: () => infra.db.checkHealth(), bus: () => infra.bus.events.checkHealth() },
    routes: (app) => app.use(jwksRouter(prisma)),
    async onStop() {
      await relay.stop();
      await prisma.$disconnect();
    },
  });
}
