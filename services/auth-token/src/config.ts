import {
  externalUrlOption,
  infrastructureOptions,
  listenOptions,
  loadConfig,
  loggingOptions,
  tokenIssuerOption,
  type ExternalUrlConfig,
  type InfrastructureConfig,
  type ListenConfig,
  type LoggingConfig,
  type TokenIssuerConfig,
} from '@stowage/config';

export interface IdentityConfig {
  initialRootPassword: string;
  initialRootToken: string;
  registryTokenTtlSeconds: number;
  internalApiSecret: string;
  failedLoginLimit: number;
  failedLoginWindowSeconds: number;
  failedLoginBanSeconds: number;
  sessionTtlSeconds: number;
  signingKeyEncryptionKey: string;
  signingKeyMaxAgeDays: number;
}

/** Where auth-token reaches the registry (distributed mode; standalone wires it in process). */
export interface RegistryPeerConfig {
  registryUrl: string;
}

export interface AuthTokenConfig
  extends
    ListenConfig,
    LoggingConfig,
    InfrastructureConfig,
    TokenIssuerConfig,
    ExternalUrlConfig,
    IdentityConfig,
    RegistryPeerConfig {}

export const identityOptions = {
  initialRootPassword: {
    doc: 'Password of the `root` admin created at first start; empty: generate one into DATA_DIR/initial_root_password.',
    format: String,
    default: '',
    env: 'INITIAL_ROOT_PASSWORD',
    sensitive: true,
  },
  initialRootToken: {
    doc: 'Personal access token (scope `api`) of `root` created at first start; empty: generate one into DATA_DIR/initial_root_token.',
    format: String,
    default: '',
    env: 'INITIAL_ROOT_TOKEN',
    sensitive: true,
  },
  registryTokenTtlSeconds: {
    doc: 'Lifetime of the registry tokens /jwt/auth issues, in seconds.',
    format: 'nat',
    default: 300,
    env: 'REGISTRY_TOKEN_TTL_SECONDS',
  },
  internalApiSecret: {
    doc: 'Shared secret other services send to /internal/v1 (X-Stowage-Internal-Secret); empty: no check.',
    format: String,
    default: '',
    env: 'INTERNAL_API_SECRET',
    sensitive: true,
  },
  failedLoginLimit: {
    doc: 'Failed sign-ins from one address within the window before it is refused with 429.',
    format: 'nat',
    default: 10,
    env: 'AUTH_FAILED_LOGIN_LIMIT',
  },
  failedLoginWindowSeconds: {
    doc: 'Window, in seconds, over which failed sign-ins from one address are counted.',
    format: 'nat',
    default: 60,
    env: 'AUTH_FAILED_LOGIN_WINDOW_SECONDS',
  },
  failedLoginBanSeconds: {
    doc: 'How long, in seconds, an address that reached the limit is refused.',
    format: 'nat',
    default: 300,
    env: 'AUTH_FAILED_LOGIN_BAN_SECONDS',
  },
  sessionTtlSeconds: {
    doc: 'Lifetime, in seconds, of a browser session (the `_stowage_session` cookie POST /users/sign_in sets); it does not slide with use.',
    format: 'nat',
    default: 604_800,
    env: 'AUTH_SESSION_TTL_SECONDS',
  },
  signingKeyEncryptionKey: {
    doc: 'Secret (32+ characters) that encrypts signing keys at rest; empty: one generated into DATA_DIR.',
    format: String,
    default: '',
    env: 'SIGNING_KEY_ENCRYPTION_KEY',
    sensitive: true,
  },
  signingKeyMaxAgeDays: {
    doc: 'Rotate the registry-token signing key when it is older than this many days; 0: never.',
    format: 'nat',
    default: 90,
    env: 'SIGNING_KEY_MAX_AGE_DAYS',
  },
};

export const registryPeerOptions = {
  registryUrl: {
    doc: "Registry's internal base URL, asked whether projects have tags before they are renamed or moved; empty: never asked (moves allowed).",
    format: 'optional-http-url',
    default: '',
    env: 'REGISTRY_URL',
  },
};

export const authTokenSchema = {
  ...listenOptions(5001),
  ...loggingOptions,
  ...infrastructureOptions,
  ...tokenIssuerOption,
  ...externalUrlOption,
  ...identityOptions,
  ...registryPeerOptions,
};

export function loadAuthTokenConfig(env: NodeJS.ProcessEnv = process.env): AuthTokenConfig {
  return loadConfig<AuthTokenConfig>(authTokenSchema, env);
}
