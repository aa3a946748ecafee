import path from 'node:path';

/** dependency-proxy's PostgreSQL schema; only the proxy and its cleanup-worker half use it. */
export const DEPENDENCY_PROXY_SCHEMA = 'dependency_proxy';

/** The SQL migrations, found beside both `src/` and `dist/`. */
export const DEPENDENCY_PROXY_MIGRATIONS_DIR = path.join(__dirname, '..', 'prisma', 'migrations');
