import { startAuthToken } from '@stowage/auth-token';
import { startCleanupWorker } from '@stowage/cleanup-worker';
import { startDependencyProxy } from '@stowage/dependency-proxy';
import { startGateway, type RunningGateway } from '@stowage/gateway';
import type { RunningService } from '@stowage/http';
import type { Logger } from '@stowage/logging';
import { startPackageRegistry } from '@stowage/package-registry';
import { startRegistry } from '@stowage/registry';
import type { Infrastructure } from '@stowage/runtime';
import type { StandaloneConfig } from './standalone-config';

export interface RunningSuite {
  gateway: RunningGateway;
  services: RunningService[];
  /** Stops the gateway first (no new requests), then the services; the caller closes the adapters. */
  stop(): Promise<void>;
}

/**
 * Starts all six services on one set of adapters, each on its own loopback port (for the calls
 * services make to each other and for readiness), and the gateway in front of them, which hands
 * public requests to the services' apps in-process.
 */
export async function startAll(
  config: StandaloneConfig,
  infra: Infrastructure,
  logger: Logger,
): Promise<RunningSuite> {
  const internal = { host: '127.0.0.1', port: 0, migrateOnStart: config.migrateOnStart };
  const options = (service: string) => ({
    logger: logger.child({ service }),
    infra,
    collectProcessMetrics: false,
  });

  const authToken = await startAuthToken({
    config: { ...config, ...internal },
    // The registry starts next, so its URL is looked up at each rename: `services` exists by
    // the time anyone can reach auth-token, and until the registry is up renames are refused.
    registryUrl: () => services.find((service) => service.name === 'registry')?.http.url,
    ...options('auth-token'),
  });
  const verifierConfig = {
    ...internal,
    externalUrl: config.externalUrl,
    authTokenUrl: authToken.http.url,
    jwtIssuer: config.jwtIssuer,
  };
  const services: RunningService[] = [authToken];
  try {
    services.push(
      await startRegistry({
        config: {
          ...verifierConfig,
          blobRedirectSeconds: config.blobRedirectSeconds,
          uploadPartBytes: config.uploadPartBytes,
          gcReviewDelayMs: config.gcReviewDelayMs,
          internalApiSecret: config.internalApiSecret,
        },
        ...options('registry'),
      }),
    );
    services.push(
      await startDependencyProxy({
        config: {
          ...verifierConfig,
          dataDir: config.dataDir,
          internalApiSecret: config.internalApiSecret,
          proxyUpstreamUrl: config.proxyUpstreamUrl,
          proxyUpstreamUsername: config.proxyUpstreamUsername,
          proxyUpstreamPassword: config.proxyUpstreamPassword,
          proxyUpstreamLibraryPrefix: config.proxyUpstreamLibraryPrefix,
          proxyEncryptionKey: config.proxyEncryptionKey,
        },
        ...options('dependency-proxy'),
      }),
    );
    services.push(
      await startPackageRegistry({
        config: {
          ...internal,
          externalUrl: config.externalUrl,
          authTokenUrl: authToken.http.url,
          internalApiSecret: config.internalApiSecret,
          packageMaxFileBytes: config.packageMaxFileBytes,
          packageMaxMetadataBytes: config.packageMaxMetadataBytes,
        },
        ...options('package-registry'),
      }),
    );
    services.push(
      await startCleanupWorker({
        config: {
          ...internal,
          concurrency: 2,
          authTokenUrl: authToken.http.url,
          internalApiSecret: config.internalApiSecret,
          gcEnabled: config.gcEnabled,
          gcIdleIntervalMs: config.gcIdleIntervalMs,
          uploadPurgeAfterMs: config.uploadPurgeAfterMs,
          packageSweepIntervalMs: config.packageSweepIntervalMs,
          packageStorageDeletionDelayMs: config.packageStorageDeletionDelayMs,
        },
        ...options('cleanup-worker'),
      }),
    );
  } catch (error) {
    await Promise.allSettled(services.map((service) => service.stop()));
    throw error;
  }
  const serviceNamed = (name: string) => services.find((service) => service.name === name)!;
  const urlOf = (name: string) => serviceNamed(name).http.url;
  const appOf = (name: string) => serviceNamed(name).handler;
  const gateway = await startGateway(
    {
      host: config.host,
      port: config.port,
      externalUrl: config.externalUrl,
      trustForwardedHeaders: config.trustForwardedHeaders,
      upstreamConnectTimeoutMs: config.upstreamConnectTimeoutMs,
      upstreamIdleTimeoutMs: config.upstreamIdleTimeoutMs,
      upstreams: {
        'auth-token': urlOf('auth-token'),
        registry: urlOf('registry'),
        'dependency-proxy': urlOf('dependency-proxy'),
        'package-registry': urlOf('package-registry'),
      },
      inProcess: {
        'auth-token': appOf('auth-token'),
        registry: appOf('registry'),
        'dependency-proxy': appOf('dependency-proxy'),
        'package-registry': appOf('package-registry'),
      },
    },
    logger.child({ service: 'gateway' }),
  );
  return {
    gateway,
    services,
    async stop() {
      await gateway.stop();
      await Promise.all(services.map((service) => service.stop()));
    },
  };
}
