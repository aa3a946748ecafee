export { startPackageRegistry } from './service';
export type { PackageRegistryStartOptions } from './service';
export { packageRegistrySchema, packageLimitsOptions, loadPackageRegistryConfig } from './config';
export type { PackageLimitsConfig, PackageRegistryConfig } from './config';
export { PACKAGE_REGISTRY_MIGRATIONS_DIR, PACKAGE_REGISTRY_SCHEMA } from './schema';
