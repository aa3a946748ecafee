import { runMigrateMain } from '@stowage/runtime';
import { loadRegistryConfig } from './config';
import { REGISTRY_MIGRATIONS_DIR, REGISTRY_SCHEMA } from './schema';

runMigrateMain('registry', () => loadRegistryConfig(), {
  schema: REGISTRY_SCHEMA,
  migrationsDir: REGISTRY_MIGRATIONS_DIR,
});
