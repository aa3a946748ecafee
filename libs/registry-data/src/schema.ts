import path from 'node:path';

/** The registry's PostgreSQL schema; only the registry and its cleanup-worker half use it. */
export const REGISTRY_SCHEMA = 'registry';

/** The SQL migrations, found beside both `src/` and `dist/`. */
export const REGISTRY_MIGRATIONS_DIR = path.join(__dirname, '..', 'prisma', 'migrations');
