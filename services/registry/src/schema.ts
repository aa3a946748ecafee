import path from 'node:path';

/** registry's PostgreSQL schema; no other service reads or writes it. */
export const REGISTRY_SCHEMA = 'registry';

/** The SQL migrations, found beside both `src/` and `dist/`. */
export const REGISTRY_MIGRATIONS_DIR = path.join(__dirname, '..', 'prisma', 'migrations');
