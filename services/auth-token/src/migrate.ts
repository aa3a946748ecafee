import { runMigrateMain } from '@stowage/runtime';
import { loadAuthTokenConfig } from './config';
import { AUTH_TOKEN_MIGRATIONS_DIR, AUTH_TOKEN_SCHEMA } from './schema';

runMigrateMain('auth-token', () => loadAuthTokenConfig(), {
  schema: AUTH_TOKEN_SCHEMA,
  migrationsDir: AUTH_TOKEN_MIGRATIONS_DIR,
});
