import {
  createMetrics,
  gitlabErrorFormat,
  ociErrorFormat,
  runService,
  type RunningService,
} from '@stowage/http';
import { createIdentityClient } from '@stowage/identity-client';
import type { Logger } from '@stowage/logging';
import {
  DEFAULT_GC_REVIEW_DELAY_MS,
  PrismaClient,
  REGISTRY_MIGRATIONS_DIR,
  REGISTRY_SCHEMA,
  setGcReviewDelay,
} from '@stowage/registry-data';
import {
  type Infrastructure,
  infrastructureChecks,
  openRegistryTokenVerifier,
  openServiceData,
} from '@stowage/runtime';
import type { InternalApiConfig } from '@stowage/config';
import type { ContainerRegistryConfig, RegistryConfig } from './config';
import { registryRestApi } from './http/api';
import { REGISTRY_TOKEN_AUDIENCE, registryBaseRouter } from './http/base';
import { registryInternalApi } from './http/internal';
import { scopeOfRequest, v2Api } from './http/v2-api';
import { openReadCaches } from './caches/open-read-caches';
import { BlobUploads } from './uploads/blob-uploads';
import { UploadHashCache } from './uploads/hash-cache';

const DEFAULTS: ContainerRegistryConfig & InternalApiConfig = {
  blobRedirectSeconds: 0,
  uploadPartBytes: 8 * 1024 * 1024,
  gcReviewDelayMs: DEFAULT_GC_REVIEW_DELAY_MS,
  internalApiSecret: '',
};

export interface RegistryStartOptions {
  config: Pick<
    RegistryConfig,
    'host' | 'port' | 'migrateOnStart' | 'externalUrl' | 'authTokenUrl' | 'jwtIssuer'
  > &
    Partial<ContainerRegistryConfig & InternalApiConfig>;
  logger: Logger;
  infra: Pick<Infrastructure, 'db' | 'bus' | 'blobs'>;
  collectProcessMetrics?: boolean;
}

/** Starts the container registry on the given adapters. */
export async function startRegistry(options: RegistryStartOptions): Promise<RunningService> {
  const { logger, infra } = options;
  const config = { ...DEFAULTS, ...options.config };
  const data = await openServiceData({
    infra,
    PrismaClient,
    schema: REGISTRY_SCHEMA,
    migrationsDir: REGISTRY_MIGRATIONS_DIR,
    migrateOnStart: config.migrateOnStart,
    logger,
  });
  // Every queueing (here and in the cleanup-worker) reads the delay from the database.
  await setGcReviewDelay(data.prisma, config.gcReviewDelayMs);
  const metrics = createMetrics({
    service: 'registry',
    collectProcessMetrics: options.collectProcessMetrics ?? true,
  });
  const tokens = await openRegistryTokenVerifier({
    authTokenUrl: config.authTokenUrl,
    issuer: config.jwtIssuer,
    audiences: [REGISTRY_TOKEN_AUDIENCE],
    events: infra.bus.events,
    name: 'registry',
    metrics,
    logger,
  });
  const externalUrl = config.externalUrl.replace(/\/$/, '');
  const caches = await openReadCaches(infra.db, logger);
  const context = {
    prisma: data.prisma,
    blobs: infra.blobs,
    uploads: new BlobUploads({
      prisma: data.prisma,
      blobs: infra.blobs,
      hashes: new UploadHashCache(),
      partSize: config.uploadPartBytes,
    }),
    manifests: caches.manifests,
    blobLinks: caches.blobLinks,
    realm: `${externalUrl}/jwt/auth`,
    blobRedirectSeconds: config.blobRedirectSeconds,
  };
  const identity = createIdentityClient({
    authTokenUrl: config.authTokenUrl,
    internalSecret: config.internalApiSecret || undefined,
  });
  const identityEvents = await identity.invalidateOnIdentityEvents(infra.bus.events, 'registry');
  const restApi = registryRestApi({
    prisma: data.prisma,
    jobs: infra.bus.jobs,
    identity,
    registryHost: new URL(externalUrl).host,
    externalUrl,
  });
  return runService({
    name: 'registry',
    listen: config,
    logger,
    metrics,
    // The OCI format under /v2, GitLab's everywhere else.
    errorFormat: (req) => (req.path.startsWith('/v2') ? ociErrorFormat : gitlabErrorFormat),
    ...infrastructureChecks(infra),
    routes: (app) => {
      app.use(
        '/v2',
        registryBaseRouter({
          verify: tokens.verify,
          externalUrl: config.externalUrl,
          scope: scopeOfRequest,
        }),
        v2Api(context),
      );
      app.use('/api/v4', restApi);
      app.use(
        '/internal/v1',
        registryInternalApi({ prisma: data.prisma, internalApiSecret: config.internalApiSecret }),
      );
    },
    async onStop() {
      await identityEvents.close();
      await tokens.close();
      await caches.close();
      await data.close();
    },
  });
}
