import {
  infrastructureOptions,
  loadConfig,
  loggingOptions,
  tokenIssuerOption,
  type InfrastructureConfig,
  type LoggingConfig,
  type TokenIssuerConfig,
} from '@stowage/config';
import { identityOptions, type IdentityConfig } from '@stowage/auth-token';
import {
  garbageCollectionOptions,
  packageStorageCleanupOptions,
  type GarbageCollectionConfig,
  type PackageStorageCleanupConfig,
} from '@stowage/cleanup-worker';
import { proxyOptions, type ProxyConfig } from '@stowage/dependency-proxy';
import { upstreamTimeoutOptions } from '@stowage/gateway';
import { packageLimitsOptions, type PackageLimitsConfig } from '@stowage/package-registry';
import { containerRegistryOptions, type ContainerRegistryConfig } from '@stowage/registry';

export interface StandaloneConfig
  extends
    LoggingConfig,
    InfrastructureConfig,
    TokenIssuerConfig,
    IdentityConfig,
    ContainerRegistryConfig,
    ProxyConfig,
    PackageLimitsConfig,
    GarbageCollectionConfig,
    PackageStorageCleanupConfig {
  host: string;
  port: number;
  externalUrl: string;
  trustForwardedHeaders: boolean;
  upstreamConnectTimeoutMs: number;
  upstreamIdleTimeoutMs: number;
}

/**
 * Standalone mode: every service in one process behind the gateway. Only the gateway listens
 * publicly; the services listen on loopback ports the operating system picks.
 */
export const standaloneSchema = {
  host: { doc: 'Address the gateway binds to.', format: String, default: '0.0.0.0', env: 'HOST' },
  port: { doc: 'Port of the gateway, the only public port.', format: 'port', default: 5000, env: 'PORT' },
  externalUrl: {
    doc: 'Public URL of the gateway as clients see it. Empty: http://localhost:$PORT.',
    format: 'optional-http-url',
    default: '',
    env: 'EXTERNAL_URL',
  },
  trustForwardedHeaders: {
    doc: 'Keep X-Forwarded-* from a proxy in front of the gateway.',
    format: Boolean,
    default: false,
    env: 'GATEWAY_TRUST_FORWARDED_HEADERS',
  },
  ...upstreamTimeoutOptions,
  ...loggingOptions,
  ...infrastructureOptions,
  ...tokenIssuerOption,
  ...identityOptions,
  ...containerRegistryOptions,
  ...proxyOptions,
  ...packageLimitsOptions,
  ...garbageCollectionOptions,
  ...packageStorageCleanupOptions,
};

export function loadStandaloneConfig(env: NodeJS.ProcessEnv = process.env): StandaloneConfig {
  const config = loadConfig<StandaloneConfig>(standaloneSchema, env);
  return { ...config, externalUrl: config.externalUrl || `http://localhost:${config.port}` };
}
