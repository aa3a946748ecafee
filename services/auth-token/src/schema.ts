import path from 'node:path';

/** auth-token's PostgreSQL schema; no other service reads or writes it. */
export const AUTH_TOKEN_SCHEMA = 'auth_token';

/** The SQL migrations, found beside both `src/` and `dist/`. */
export const AUTH_TOKEN_MIGRATIONS_DIR = path.join(__dirname, '..', 'prisma', 'migrations');
