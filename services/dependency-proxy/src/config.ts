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

/** Settings of the proxy itself (standalone mode reads them too). */
export interface ProxyConfig {
  /** The instance's upstream, for groups that name none; empty: such groups have none. */
  proxyUpstreamUrl: string;
  proxyUpstreamUsername: string;
  proxyUpstreamPassword: string;
  proxyUpstreamLibraryPrefix: boolean;
  /** Encrypts upstream passwords at rest; empty: a key generated under DATA_DIR. */
  proxyEncryptionKey: string;
}

export const proxyOptions = {
  proxyUpstreamUrl: {
    doc: "The instance's upstream registry for groups that name none, e.g. Docker Hub's registry endpoint (https://...). Empty: none.",
    format: 'optional-http-url',
    default: '',
    env: 'DEPENDENCY_PROXY_UPSTREAM_URL',
  },
  proxyUpstreamUsername: {
    doc: "User name for the instance's upstream; empty: anonymous.",
    format: String,
    default: '',
    env: 'DEPENDENCY_PROXY_UPSTREAM_USERNAME',
  },
  proxyUpstreamPassword: {
    doc: "Password or access token for the instance's upstream.",
    format: String,
    default: '',
    env: 'DEPENDENCY_PROXY_UPSTREAM_PASSWORD',
    sensitive: true,
  },
  proxyUpstreamLibraryPrefix: {
    doc: "Give one-segment image names `library/` on the instance's upstream (Docker Hub's official images).",
    format: Boolean,
    default: true,
    env: 'DEPENDENCY_PROXY_UPSTREAM_LIBRARY_PREFIX',
  },
  proxyEncryptionKey: {
    doc: 'Secret (32+ characters) that encrypts upstream passwords at rest. Empty: one generated and kept in DATA_DIR (standalone).',
    format: String,
    default: '',
    env: 'DEPENDENCY_PROXY_ENCRYPTION_KEY',
    sensitive: true,
  },
};

export interface DependencyProxyConfig
  extends
    ListenConfig,
    LoggingConfig,
    InfrastructureConfig,
    RegistryTokenConfig,
    InternalApiConfig,
    ProxyConfig {}

export const dependencyProxySchema = {
  ...listenOptions(5003),
  ...loggingOptions,
  ...infrastructureOptions,
  ...registryTokenOptions,
  ...internalApiOptions,
  ...proxyOptions,
};

export function loadDependencyProxyConfig(env: NodeJS.ProcessEnv = process.env): DependencyProxyConfig {
  return loadConfig<DependencyProxyConfig>(dependencyProxySchema, env);
}
