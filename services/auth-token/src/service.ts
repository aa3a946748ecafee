import { createMetrics, gitlabErrorFormat, runService, type RunningService } from '@stowage/http';
import type { Logger } from '@stowage/logging';
import { openServiceData, type Infrastructure } from '@stowage/runtime';
import { registryCleanupPolicyClient } from './adapters/registry-cleanup-policy-client';
import { registryTagsClient } from './adapters/registry-tags-client';
import type { AuthTokenConfig, RegistryPeerConfig } from './config';
import { bootstrapRoot } from './domain/bootstrap';
import { FailedLoginThrottle } from './domain/failed-login-throttle';
import { openKeyCipher } from './domain/key-encryption';
import { registryRenameGuards } from './domain/projects/registry-rename-guard';
import type { RenameGuards } from './domain/projects/rename-guard';
import { startKeyRotation } from './domain/key-rotation-schedule';
import { MAX_TOKEN_EXPIRE_DELAY_MINUTES } from './domain/settings/application-settings';
import { activeSigningKey, cachedActiveSigningKey, ensureSigningKey } from './domain/signing-keys';
import { PrismaClient } from './generated/prisma/client';
import type { ApiContext } from './http/api/api-context';
import { identityRoutes } from './http/identity-routes';
import { AUTH_TOKEN_MIGRATIONS_DIR, AUTH_TOKEN_SCHEMA } from './schema';

export interface AuthTokenStartOptions {
  config: Pick<
    AuthTokenConfig,
    | 'host'
    | 'port'
    | 'migrateOnStart'
    | 'dataDir'
    | 'externalUrl'
    | 'jwtIssuer'
    | 'initialRootPassword'
    | 'initialRootToken'
    | 'registryTokenTtlSeconds'
    | 'internalApiSecret'
    | 'failedLoginLimit'
    | 'failedLoginWindowSeconds'
    | 'failedLoginBanSeconds'
    | 'sessionTtlSeconds'
    | 'signingKeyEncryptionKey'
    | 'signingKeyMaxAgeDays'
  > &
    Partial<RegistryPeerConfig>;
  /**
   * Where the registry's internal API is, asked at each rename; overrides config.registryUrl.
   * Standalone mode starts auth-token before the registry, so it can only pass a function.
   */
  registryUrl?: () => string | undefined;
  logger: Logger;
  infra: Pick<Infrastructure, 'db' | 'bus'>;
  collectProcessMetrics?: boolean;
}

/** Starts auth-token: migrate, make sure a signing key and the root admin exist, serve. */
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
  const cipher = openKeyCipher(config.signingKeyEncryptionKey, config.dataDir);
  try {
    const key = await ensureSigningKey(data.prisma, cipher);
    if (key.created) {
      logger.info('created signing key', { kid: key.kid });
      data.relay.nudge();
    }
    // Fails start-up (exit 2) when SIGNING_KEY_ENCRYPTION_KEY cannot read the stored keys,
    // instead of failing every /jwt/auth later.
    await activeSigningKey(data.prisma, cipher);
    const root = await bootstrapRoot(data.prisma, config);
    if (root.created) {
      // Said once, at the only start that creates them; the secrets themselves never reach a log.
      for (const path of root.writtenFiles) logger.warn(`initial root credential written to ${path}`);
      logger.info('created the root administrator', { userId: root.userId });
    }
  } catch (error) {
    await data.close();
    throw error;
  }
  const context: ApiContext = {
    prisma: data.prisma,
    logger,
    externalUrl: config.externalUrl,
    throttle: new FailedLoginThrottle({
      limit: config.failedLoginLimit,
      windowSeconds: config.failedLoginWindowSeconds,
      banSeconds: config.failedLoginBanSeconds,
    }),
    sessionTtlSeconds: config.sessionTtlSeconds,
    nudgeOutbox: () => data.relay.nudge(),
    issuer: config.jwtIssuer,
    registryTokenTtlSeconds: config.registryTokenTtlSeconds,
    internalApiSecret: config.internalApiSecret,
    signingKey: cachedActiveSigningKey(data.prisma, cipher),
    renameGuards: renameGuards(options),
    cleanupPolicies: cleanupPolicies(options),
  };
  const rotation = startKeyRotation({
    prisma: data.prisma,
    cipher,
    maxAgeDays: config.signingKeyMaxAgeDays,
    // An admin may lengthen tokens at run time (container_registry_token_expire_delay): keep
    // retired keys for the longest lifetime that setting allows.
    tokenTtlSeconds: Math.max(config.registryTokenTtlSeconds, MAX_TOKEN_EXPIRE_DELAY_MINUTES * 60),
    logger,
    onChange: () => data.relay.nudge(),
  });
  return runService({
    name: 'auth-token',
    listen: config,
    logger,
    metrics: createMetrics({
      service: 'auth-token',
      collectProcessMetrics: options.collectProcessMetrics ?? true,
    }),
    errorFormat: gitlabErrorFormat,
    checks: { database: () => infra.db.checkHealth() },
    // Without the broker auth-token still signs in and issues tokens; its events wait in the outbox.
    optionalChecks: { bus: () => infra.bus.events.checkHealth() },
    routes: (app) => identityRoutes(app, context),
    onStop: async () => {
      rotation.stop();
      await data.close();
    },
  });
}

/** The registry's internal URL, as configured or as the standalone launcher learns it. */
function registryUrlOf(options: AuthTokenStartOptions): (() => string | undefined) | undefined {
  const configured = options.config.registryUrl;
  return options.registryUrl ?? (configured ? () => configured : undefined);
}

/** Projects' cleanup policies, read and written through the registry (ADR 0007). */
function cleanupPolicies(options: AuthTokenStartOptions) {
  const registryUrl = registryUrlOf(options);
  if (!registryUrl) return undefined;
  return registryCleanupPolicyClient({
    registryUrl,
    internalSecret: options.config.internalApiSecret || undefined,
  });
}

/** Guards that ask the registry for tags before a path change; none without a registry URL. */
function renameGuards(options: AuthTokenStartOptions): RenameGuards | undefined {
  const { config, logger } = options;
  const registryUrl = registryUrlOf(options);
  if (!registryUrl) {
    logger.warn(
      'REGISTRY_URL is empty: projects, groups and users are renamed without asking the registry for tags, which may leave images behind',
    );
    return undefined;
  }
  const tags = registryTagsClient({ registryUrl, internalSecret: config.internalApiSecret || undefined });
  return registryRenameGuards(tags, logger);
}
