import { runMigrateMain } from '@stowage/runtime';
import { loadPackageRegistryConfig } from './config';
import { PACKAGE_REGISTRY_MIGRATIONS_DIR, PACKAGE_REGISTRY_SCHEMA } from './schema';

runMigrateMain('package-registry', () => loadPackageRegistryConfig(), {
  schema: PACKAGE_REGISTRY_SCHEMA,
  migrationsDir: PACKAGE_REGISTRY_MIGRATIONS_DIR,
});
