export { startPackageRegistry } from './service';
export type { PackageRegistryStartOptions } from './service';
export { packageRegistrySchema, loadPackageRegistryConfig } from './config';
export type { PackageRegistryConfig } from './config';
export { PACKAGE_REGISTRY_MIGRATIONS_DIR, PACKAGE_REGISTRY_SCHEMA } from './schema';
