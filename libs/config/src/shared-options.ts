/**
 * Option groups that several services share. Each service composes its own schema from these
 * plus its own options, so one variable means the same thing in every service.
 */

export interface ListenConfig {
  host: string;
  port: number;
}

export function listenOptions(defaultPort: number) {
  return {
    host: { doc: 'Address the HTTP server binds to.', format: String, default: '0.0.0.0', env: 'HOST' },
    port: { doc: 'TCP port the HTTP server listens on.', format: 'port', default: defaultPort, env: 'PORT' },
  };
}

export interface LoggingConfig {
  logLevel: string;
}

export const loggingOptions = {
  logLevel: {
    doc: 'Lowest log level written (JSON lines on stdout).',
    format: ['error', 'warn', 'info', 'http', 'debug'],
    default: 'info',
    env: 'LOG_LEVEL',
  },
};

export interface S3Config {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

/** Where blobs are kept: an S3 bucket, or files under DATA_DIR. */
export interface BlobStorageConfig {
  dataDir: string;
  s3: S3Config;
}

export const blobStorageOptions = {
  dataDir: {
    doc: 'Directory for embedded state: PGlite database and filesystem blobs.',
    format: String,
    default: './data',
    env: 'DATA_DIR',
  },
  s3: {
    endpoint: {
      doc: 'S3 endpoint URL (MinIO, s3rver...). Empty: the AWS endpoint of S3_REGION.',
      format: 'optional-http-url',
      default: '',
      env: 'S3_ENDPOINT',
    },
    region: { doc: 'S3 region.', format: String, default: 'us-east-1', env: 'S3_REGION' },
    bucket: {
      doc: 'S3 bucket shared by all services. Empty: blobs on the filesystem under DATA_DIR.',
      format: String,
      default: '',
      env: 'S3_BUCKET',
    },
    accessKeyId: {
      doc: 'S3 access key id.',
      format: String,
      default: '',
      env: 'S3_ACCESS_KEY_ID',
      sensitive: true,
    },
    secretAccessKey: {
      doc: 'S3 secret access key.',
      format: String,
      default: '',
      env: 'S3_SECRET_ACCESS_KEY',
      sensitive: true,
    },
    forcePathStyle: {
      doc: 'Use path-style S3 URLs (needed by MinIO and s3rver).',
      format: Boolean,
      default: true,
      env: 'S3_FORCE_PATH_STYLE',
    },
  },
};

/** Where a service keeps its state. Empty URLs select the embedded defaults of standalone mode. */
export interface InfrastructureConfig extends BlobStorageConfig {
  databaseUrl: string;
  amqpUrl: string;
  amqpPrefix: string;
  migrateOnStart: boolean;
}

export const infrastructureOptions = {
  databaseUrl: {
    doc: 'PostgreSQL URL. Empty: embedded PGlite database under DATA_DIR.',
    format: 'optional-postgres-url',
    default: '',
    env: 'DATABASE_URL',
    sensitive: true,
  },
  amqpUrl: {
    doc: 'RabbitMQ URL. Empty: in-process event bus and job queue (single process only).',
    format: 'optional-amqp-url',
    default: '',
    env: 'AMQP_URL',
    sensitive: true,
  },
  amqpPrefix: {
    doc: 'Prefix of every RabbitMQ exchange and queue name, so several installations can share a vhost.',
    format: String,
    default: 'stowage',
    env: 'AMQP_PREFIX',
  },
  ...blobStorageOptions,
  migrateOnStart: {
    doc: 'Apply pending database migrations at start-up (Kubernetes runs a migration Job instead).',
    format: Boolean,
    default: true,
    env: 'MIGRATE_ON_START',
  },
};

export interface ExternalUrlConfig {
  externalUrl: string;
}

export const externalUrlOption = {
  externalUrl: {
    doc: 'Public URL of the gateway as clients see it; used in auth challenges and Location headers.',
    format: 'http-url',
    default: 'http://localhost:5000',
    env: 'EXTERNAL_URL',
  },
};

export interface AuthTokenUrlConfig {
  authTokenUrl: string;
}

export const authTokenUrlOption = {
  authTokenUrl: {
    doc: 'Internal URL of the auth-token service (JWKS and authorization decisions).',
    format: 'http-url',
    default: 'http://127.0.0.1:5001',
    env: 'AUTH_TOKEN_URL',
  },
};

export interface TokenIssuerConfig {
  jwtIssuer: string;
}

/** The issuer auth-token signs registry tokens as; every verifier accepts exactly this one. */
export const tokenIssuerOption = {
  jwtIssuer: {
    doc: 'Issuer (`iss`) of the registry tokens auth-token signs; verifiers reject any other.',
    format: String,
    default: 'stowage-issuer',
    env: 'JWT_ISSUER',
  },
};

/** What a service that checks registry tokens needs: where to challenge clients, whom to trust. */
export interface RegistryTokenConfig extends ExternalUrlConfig, AuthTokenUrlConfig, TokenIssuerConfig {}

export const registryTokenOptions = { ...externalUrlOption, ...authTokenUrlOption, ...tokenIssuerOption };

export interface InternalApiConfig {
  internalApiSecret: string;
}

/** The secret shared with auth-token: sent on calls to its internal API, required on ours. */
export const internalApiOptions = {
  internalApiSecret: {
    doc: 'Shared secret of the internal APIs (X-Stowage-Internal-Secret), as auth-token has it; empty: no check.',
    format: String,
    default: '',
    env: 'INTERNAL_API_SECRET',
    sensitive: true,
  },
};
