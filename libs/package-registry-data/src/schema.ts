import path from 'node:path';

/** package-registry's PostgreSQL schema; only the service and its cleanup-worker half use it. */
export const PACKAGE_REGISTRY_SCHEMA = 'package_registry';

/** The SQL migrations, found beside both `src/` and `dist/`. */
export const PACKAGE_REGISTRY_MIGRATIONS_DIR = path.join(__dirname, '..', 'prisma', 'migrations');
