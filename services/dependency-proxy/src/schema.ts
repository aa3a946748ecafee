export { DEPENDENCY_PROXY_MIGRATIONS_DIR, DEPENDENCY_PROXY_SCHEMA } from '@stowage/dependency-proxy-data';
