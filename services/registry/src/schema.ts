export { REGISTRY_MIGRATIONS_DIR, REGISTRY_SCHEMA } from '@stowage/registry-data';
