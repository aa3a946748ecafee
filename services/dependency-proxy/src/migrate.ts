import { runMigrateMain } from '@stowage/runtime';
import { loadDependencyProxyConfig } from './config';
import { DEPENDENCY_PROXY_MIGRATIONS_DIR, DEPENDENCY_PROXY_SCHEMA } from './schema';

runMigrateMain('dependency-proxy', () => loadDependencyProxyConfig(), {
  schema: DEPENDENCY_PROXY_SCHEMA,
  migrationsDir: DEPENDENCY_PROXY_MIGRATIONS_DIR,
});
