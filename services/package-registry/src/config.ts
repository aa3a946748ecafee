import {
  authTokenUrlOption,
  externalUrlOption,
  infrastructureOptions,
  internalApiOptions,
  listenOptions,
  loadConfig,
  loggingOptions,
  type AuthTokenUrlConfig,
  type ExternalUrlConfig,
  type InfrastructureConfig,
  type InternalApiConfig,
  type ListenConfig,
  type LoggingConfig,
} from '@stowage/config';

/** Limits on what clients send (standalone mode reads them too). */
export interface PackageLimitsConfig {
  /** Largest package file accepted, in bytes. */
  packageMaxFileBytes: number;
  /** Largest metadata document (npm's package document without its tarball, Maven's XML, forms). */
  packageMaxMetadataBytes: number;
}

export interface PackageRegistryConfig
  extends
    ListenConfig,
    LoggingConfig,
    InfrastructureConfig,
    ExternalUrlConfig,
    AuthTokenUrlConfig,
    InternalApiConfig,
    PackageLimitsConfig {}

export const packageLimitsOptions = {
  packageMaxFileBytes: {
    doc: 'Largest package file accepted, in bytes (GitLab allows 5 GB for generic packages).',
    format: 'nat',
    default: 5 * 1024 ** 3,
    env: 'PACKAGE_MAX_FILE_BYTES',
  },
  packageMaxMetadataBytes: {
    doc: "Largest metadata document accepted, in bytes (npm's package document besides its tarball, Maven's XML).",
    format: 'nat',
    default: 10 * 1024 ** 2,
    env: 'PACKAGE_MAX_METADATA_BYTES',
  },
};

export const packageRegistrySchema = {
  ...listenOptions(5004),
  ...loggingOptions,
  ...infrastructureOptions,
  ...externalUrlOption,
  ...authTokenUrlOption,
  ...internalApiOptions,
  ...packageLimitsOptions,
};

export function loadPackageRegistryConfig(env: NodeJS.ProcessEnv = process.env): PackageRegistryConfig {
  return loadConfig<PackageRegistryConfig>(packageRegistrySchema, env);
}
