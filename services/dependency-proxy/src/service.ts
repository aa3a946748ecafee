import { PrismaClient } from '@stowage/dependency-proxy-data';
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
  type Infrastructure,
  infrastructureChecks,
  openRegistryTokenVerifier,
  openServiceData,
} from '@stowage/runtime';
import { openSecretCipher } from '@stowage/secrets';
import type { DependencyProxyConfig, ProxyConfig } from './config';
import { BlobFetches } from './domain/blob-fetches';
import { ManifestCache } from './domain/manifest-cache';
import { ProxyGroups } from './domain/proxy-groups';
import { createProxyMetrics } from './domain/proxy-metrics';
import type { ConfiguredUpstream } from './domain/upstream-targets';
import { dependencyProxyRestApi } from './http/api';
import { containersRouter, DEPENDENCY_PROXY_TOKEN_AUDIENCE } from './http/containers';
import { DEPENDENCY_PROXY_MIGRATIONS_DIR, DEPENDENCY_PROXY_SCHEMA } from './schema';
import { createUpstreamRegistry } from './upstream';

/** The audiences the proxy accepts: its own, and the registry's that docker reuses (see containersRouter). */
const TOKEN_AUDIENCES = [DEPENDENCY_PROXY_TOKEN_AUDIENCE, 'container_registry'];

/** The file under DATA_DIR holding the generated encryption key when none is configured. */
export const PROXY_KEY_FILE = 'dependency_proxy_encryption_key';

const DEFAULTS: ProxyConfig & { internalApiSecret: string } = {
  proxyUpstreamUrl: '',
  proxyUpstreamUsername: '',
  proxyUpstreamPassword: '',
  proxyUpstreamLibraryPrefix: true,
  proxyEncryptionKey: '',
  internalApiSecret: '',
};

export interface DependencyProxyStartOptions {
  config: Pick<
    DependencyProxyConfig,
    'host' | 'port' | 'migrateOnStart' | 'externalUrl' | 'authTokenUrl' | 'jwtIssuer' | 'dataDir'
  > &
    Partial<ProxyConfig & { internalApiSecret: string }>;
  logger: Logger;
  infra: Pick<Infrastructure, 'db' | 'bus' | 'blobs'>;
  collectProcessMetrics?: boolean;
}

/** The instance's upstream from the configuration, or null when the operator set none. */
function instanceUpstream(config: ProxyConfig): ConfiguredUpstream | null {
  if (!config.proxyUpstreamUrl) return null;
  return {
    name: 'instance',
    url: config.proxyUpstreamUrl.replace(/\/+$/, ''),
    username: config.proxyUpstreamUsername || null,
    password: config.proxyUpstreamPassword || null,
    prefix: null,
    libraryPrefix: config.proxyUpstreamLibraryPrefix,
  };
}

/** Starts the dependency proxy on the given adapters. */
export async function startDependencyProxy(options: DependencyProxyStartOptions): Promise<RunningService> {
  const { logger, infra } = options;
  const config = { ...DEFAULTS, ...options.config };
  const secrets = openSecretCipher(
    config.proxyEncryptionKey,
    config.dataDir,
    PROXY_KEY_FILE,
    'DEPENDENCY_PROXY_ENCRYPTION_KEY',
  );
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
  const proxyMetrics = createProxyMetrics(metrics);
  const tokens = await openRegistryTokenVerifier({
    authTokenUrl: config.authTokenUrl,
    issuer: config.jwtIssuer,
    audiences: TOKEN_AUDIENCES,
    events: infra.bus.events,
    name: 'dependency-proxy',
    metrics,
    logger,
  });
  const identity = createIdentityClient({
    authTokenUrl: config.authTokenUrl,
    internalSecret: config.internalApiSecret || undefined,
  });
  const identityEvents = await identity.invalidateOnIdentityEvents(infra.bus.events, 'dependency-proxy');
  const externalUrl = config.externalUrl.replace(/\/$/, '');
  const groups = new ProxyGroups({
    db: data.prisma,
    secrets,
    instanceUpstream: instanceUpstream(config),
    createClient: (upstream) =>
      createUpstreamRegistry(upstream, {
        observe: (event) => proxyMetrics.upstreamRequest(event.upstream, event.method, event.outcome),
      }),
  });
  const context = {
    db: data.prisma,
    blobs: infra.blobs,
    groups,
    identity,
    challenge: `Bearer realm="${externalUrl}/jwt/auth",service="${DEPENDENCY_PROXY_TOKEN_AUDIENCE}"`,
    manifests: new ManifestCache({ db: data.prisma, logger }),
    fetches: new BlobFetches({
      db: data.prisma,
      blobs: infra.blobs,
      onUpstreamBytes: (length) => proxyMetrics.bytesServed('upstream', length),
    }),
    metrics: proxyMetrics,
  };
  return runService({
    name: 'dependency-proxy',
    listen: config,
    logger,
    metrics,
    // The OCI format under /v2, GitLab's everywhere else.
    errorFormat: (req) => (req.path.startsWith('/v2') ? ociErrorFormat : gitlabErrorFormat),
    ...infrastructureChecks(infra),
    routes: (app) => {
      app.use('/v2', containersRouter({ verify: tokens.verify, externalUrl, context }));
      app.use(
        '/api/v4',
        dependencyProxyRestApi({
          prisma: data.prisma,
          jobs: infra.bus.jobs,
          identity,
          secrets,
          externalUrl,
          onSettingsChanged: (groupId) => groups.forget(groupId),
        }),
      );
    },
    async onStop() {
      await identityEvents.close();
      await tokens.close();
      await data.close();
    },
  });
}
