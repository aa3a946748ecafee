export { startRegistry } from './service';
export type { RegistryStartOptions } from './service';
export { registrySchema, loadRegistryConfig, containerRegistryOptions } from './config';
export type { RegistryConfig, ContainerRegistryConfig } from './config';
export { REGISTRY_MIGRATIONS_DIR, REGISTRY_SCHEMA } from './schema';
