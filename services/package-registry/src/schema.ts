export { PACKAGE_REGISTRY_MIGRATIONS_DIR, PACKAGE_REGISTRY_SCHEMA } from '@stowage/package-registry-data';
