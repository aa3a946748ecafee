import type { Express } from 'express';
import { createMetrics, createServiceApp, gitlabErrorFormat } from '@stowage/http';
import { createSilentLogger, type Logger } from '@stowage/logging';
import { FailedLoginThrottle } from '../../src/domain/failed-login-throttle';
import { signingKeyCipher } from '../../src/domain/key-encryption';
import { activeSigningKey, ensureSigningKey } from '../../src/domain/signing-keys';
import type { ApiContext } from '../../src/http/api/api-context';
import { identityRoutes } from '../../src/http/identity-routes';
import { openIdentityDb, type IdentityDb } from './identity-db';

export const TEST_EXTERNAL_URL = 'http://registry.example.test';
export const TEST_ISSUER = 'stowage-test-issuer';

export interface IdentityApp extends IdentityDb {
  app: Express;
  context: ApiContext;
}

/**
 * auth-token's routes on a fresh PGlite database, for supertest. Events are recorded in the
 * outbox table (read them from `prisma.outboxEvent`); nothing relays them.
 */
export async function openIdentityApp(
  overrides: Partial<Omit<ApiContext, 'prisma'>> & { logger?: Logger } = {},
): Promise<IdentityApp> {
  const identity = await openIdentityDb();
  const cipher = signingKeyCipher('test-signing-key-encryption-secret-0123456789');
  await ensureSigningKey(identity.prisma, cipher);
  const logger = overrides.logger ?? createSilentLogger();
  const context: ApiContext = {
    logger,
    externalUrl: TEST_EXTERNAL_URL,
    throttle: new FailedLoginThrottle({ limit: 1000, windowSeconds: 60, banSeconds: 60 }),
    sessionTtlSeconds: 604_800,
    nudgeOutbox: () => undefined,
    issuer: TEST_ISSUER,
    registryTokenTtlSeconds: 300,
    internalApiSecret: '',
    signingKey: () => activeSigningKey(identity.prisma, cipher),
    ...overrides,
    prisma: identity.prisma,
  };
  const app = createServiceApp({
    logger,
    metrics: createMetrics({ service: 'auth-token' }),
    health: { checks: {} },
    errorFormat: gitlabErrorFormat,
    routes: (router) => identityRoutes(router, context),
  });
  return { ...identity, app, context };
}
