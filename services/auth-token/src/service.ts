import { createMetrics, gitlabErrorFormat, runService, type RunningService } from '@stowage/http';
import type { Logger } from '@stowage/logging';
import { openServiceData, type Infrastructure } from '@stowage/runtime';
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
  const data = await openServiceData({
    infra,
    PrismaClient,
    schema: AUTH_TOKEN_SCHEMA,
    migrationsDir: AUTH_TOKEN_MIGRATIONS_DIR,
    migrateOnStart: config.migrateOnStart,
    logger,
  });
  const key = await ensureSigningKey(data.prisma);
  if (key.created) {
    logger.info('created signing key', { kid: key.kid });
    data.relay.nudge();
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
    routes: (app) => app.use(jwksRouter(data.prisma)),
    onStop: () => data.close(),
  });
}
