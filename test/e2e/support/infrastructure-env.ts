import { AMQP_URL, type S3Server } from '@stowage/testing';

/**
 * The environment every process of distributed mode shares: PostgreSQL, RabbitMQ (under a prefix
 * of this run's own), the S3 server, the public URL and the secrets. Ports and peers' URLs are
 * the caller's. `amqpUrl` and `s3Endpoint` replace the shared broker's URL and the S3 server's
 * own address, e.g. with a proxy's in front of them.
 */
export function infrastructureEnv(options: {
  databaseUrl: string;
  amqpUrl?: string;
  amqpPrefix: string;
  s3: S3Server;
  s3Endpoint?: string;
  dataDir: string;
  externalUrl: string;
  rootToken: string;
  internalApiSecret: string;
}): Record<string, string> {
  const { s3 } = options;
  return {
    HOST: '127.0.0.1',
    DATABASE_URL: options.databaseUrl,
    AMQP_URL: options.amqpUrl ?? AMQP_URL,
    AMQP_PREFIX: options.amqpPrefix,
    S3_ENDPOINT: options.s3Endpoint ?? s3.endpoint,
    S3_REGION: s3.region,
    S3_BUCKET: s3.bucket,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    EXTERNAL_URL: options.externalUrl,
    DATA_DIR: options.dataDir,
    LOG_LEVEL: 'info',
    INITIAL_ROOT_TOKEN: options.rootToken,
    INTERNAL_API_SECRET: options.internalApiSecret,
  };
}

/** The distributed launcher's port variables for one port per service. */
export function launcherPortsEnv(
  ports: Record<
    'gateway' | 'auth-token' | 'registry' | 'dependency-proxy' | 'package-registry' | 'cleanup-worker',
    number
  >,
): Record<string, string> {
  return {
    PORT: String(ports.gateway),
    AUTH_TOKEN_PORT: String(ports['auth-token']),
    REGISTRY_PORT: String(ports.registry),
    DEPENDENCY_PROXY_PORT: String(ports['dependency-proxy']),
    PACKAGE_REGISTRY_PORT: String(ports['package-registry']),
    CLEANUP_WORKER_PORT: String(ports['cleanup-worker']),
  };
}
