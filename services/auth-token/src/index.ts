export { startAuthToken } from './service';
export type { AuthTokenStartOptions } from './service';
export { authTokenSchema, loadAuthTokenConfig } from './config';
export type { AuthTokenConfig } from './config';
export { AUTH_TOKEN_MIGRATIONS_DIR, AUTH_TOKEN_SCHEMA } from './schema';
export { SIGNING_KEY_CREATED } from './domain/signing-keys';
export { identityOptions, type IdentityConfig } from './config';
