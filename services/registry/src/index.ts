export { startRegistry } from './service';
export type { RegistryStartOptions } from './service';
export { registrySchema, loadRegistryConfig } from './config';
export type { RegistryConfig } from './config';
export { REGISTRY_MIGRATIONS_DIR, REGISTRY_SCHEMA } from './schema';
