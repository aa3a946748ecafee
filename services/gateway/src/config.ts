import {
  authTokenUrlOption,
  blobStorageOptions,
  externalUrlOption,
  listenOptions,
  loadConfig,
  loggingOptions,
  type AuthTokenUrlConfig,
  type BlobStorageConfig,
  type ExternalUrlConfig,
  type ListenConfig,
  type LoggingConfig,
} from '@stowage/config';

export interface GatewayConfig
  extends ListenConfig, LoggingConfig, ExternalUrlConfig, AuthTokenUrlConfig, BlobStorageConfig {
  registryUrl: string;
  dependencyProxyUrl: string;
  packageRegistryUrl: string;
  trustForwardedHeaders: boolean;
  upstreamConnectTimeoutMs: number;
  upstreamIdleTimeoutMs: number;
  sendStoredBodies: boolean;
}

/** How long the gateway waits on a service; standalone mode takes the same keys. */
export const upstreamTimeoutOptions = {
  upstreamConnectTimeoutMs: {
    doc: 'Milliseconds the gateway waits for a service to accept a connection before answering 503.',
    format: 'nat',
    default: 5_000,
    env: 'GATEWAY_UPSTREAM_CONNECT_TIMEOUT_MS',
  },
  upstreamIdleTimeoutMs: {
    doc: 'Milliseconds an exchange with a service may pass without a byte either way before the gateway cuts it (503 when nothing was answered yet).',
    format: 'nat',
    default: 300_000,
    env: 'GATEWAY_UPSTREAM_IDLE_TIMEOUT_MS',
  },
};

export const gatewaySchema = {
  ...listenOptions(5000),
  ...loggingOptions,
  ...externalUrlOption,
  ...authTokenUrlOption,
  registryUrl: {
    doc: 'Internal URL of the registry service.',
    format: 'http-url',
    default: 'http://127.0.0.1:5002',
    env: 'REGISTRY_URL',
  },
  dependencyProxyUrl: {
    doc: 'Internal URL of the dependency-proxy service.',
    format: 'http-url',
    default: 'http://127.0.0.1:5003',
    env: 'DEPENDENCY_PROXY_URL',
  },
  packageRegistryUrl: {
    doc: 'Internal URL of the package-registry service.',
    format: 'http-url',
    default: 'http://127.0.0.1:5004',
    env: 'PACKAGE_REGISTRY_URL',
  },
  trustForwardedHeaders: {
    doc: 'Keep X-Forwarded-* sent by the peer (set when an ingress or load balancer sits in front); otherwise they are replaced.',
    format: Boolean,
    default: false,
    env: 'GATEWAY_TRUST_FORWARDED_HEADERS',
  },
  ...upstreamTimeoutOptions,
  ...blobStorageOptions,
  sendStoredBodies: {
    doc: 'Send blob downloads from the blob storage (S3_* or DATA_DIR, as the services use it) instead of relaying them from the service that answered; false when the gateway cannot read that storage.',
    format: Boolean,
    default: true,
    env: 'GATEWAY_SEND_STORED_BODIES',
  },
};

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig<GatewayConfig>(gatewaySchema, env);
}
