import {
  infrastructureOptions,
  internalApiOptions,
  listenOptions,
  loadConfig,
  loggingOptions,
  registryTokenOptions,
  type InfrastructureConfig,
  type InternalApiConfig,
  type ListenConfig,
  type LoggingConfig,
  type RegistryTokenConfig,
} from '@stowage/config';

/** Settings of the container registry itself (standalone mode reads them too). */
export interface ContainerRegistryConfig {
  blobRedirectSeconds: number;
  uploadPartBytes: number;
  /** Milliseconds between losing a reference and its GC review. */
  gcReviewDelayMs: number;
}

export const containerRegistryOptions = {
  blobRedirectSeconds: {
    doc: 'Redirect blob downloads to presigned S3 URLs valid this many seconds; 0 streams them through the registry.',
    format: 'nat',
    default: 0,
    env: 'REGISTRY_BLOB_REDIRECT_SECONDS',
  },
  uploadPartBytes: {
    doc: 'Bytes per stored part of a blob upload (at least 5 MiB on S3); each upload holds up to twice this in memory.',
    format: 'nat',
    default: 8 * 1024 * 1024,
    env: 'REGISTRY_UPLOAD_PART_BYTES',
  },
  gcReviewDelayMs: {
    doc: 'How long after a blob or manifest loses a reference garbage collection reviews it (e.g. 30s, 24h); pushes in progress finish within it.',
    format: 'interval',
    default: '24h',
    env: 'REGISTRY_GC_REVIEW_DELAY',
  },
};

export interface RegistryConfig
  extends
    ListenConfig,
    LoggingConfig,
    InfrastructureConfig,
    RegistryTokenConfig,
    ContainerRegistryConfig,
    InternalApiConfig {}

export const registrySchema = {
  ...listenOptions(5002),
  ...loggingOptions,
  ...infrastructureOptions,
  ...registryTokenOptions,
  ...containerRegistryOptions,
  ...internalApiOptions,
};

export function loadRegistryConfig(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  return loadConfig<RegistryConfig>(registrySchema, env);
}
