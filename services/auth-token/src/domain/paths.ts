/**
 * Path rules for groups and projects, after GitLab's: letters, digits, `_`, `-` and `.`; not
 * starting with `-` or `.`, not ending in `.git` or `.atom`. Some names are reserved because they
 * would shadow routes (`/api`, `/v2`, `<group>/dependency_proxy/...`).
 */
const PATH = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]*$/;
export const PATH_MAX_LENGTH = 255;
export const NAME_MAX_LENGTH = 255;

/** Not allowed as a top-level group or user namespace: they are the server's own routes. */
const RESERVED_TOP_LEVEL = new Set([
  '-',
  'admin',
  'api',
  'dashboard',
  'explore',
  'groups',
  'health',
  'help',
  'jwt',
  'metrics',
  'oauth',
  'projects',
  'readiness',
  'root',
  'users',
  'v2',
]);

/** Not allowed at any level: the dependency proxy lives at `<group>/dependency_proxy/...`. */
const RESERVED_ANYWHERE = new Set(['dependency_proxy', '-']);

/** Why `path` cannot be used, or null when it can. */
export function pathProblem(path: string, options: { topLevel: boolean }): string | null {
  if (path.length === 0) return "can't be blank";
  if (path.length > PATH_MAX_LENGTH) return `is too long (maximum is ${PATH_MAX_LENGTH} characters)`;
  if (!PATH.test(path) || /\.(git|atom)$/i.test(path) || /[._-]{2}/.test(path)) {
    return "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.git' or end in '.atom'";
  }
  const key = path.toLowerCase();
  if (RESERVED_ANYWHERE.has(key) || (options.topLevel && RESERVED_TOP_LEVEL.has(key))) return 'is reserved';
  return null;
}

/** Key of the routes table: full paths are unique regardless of case. */
export function routeKey(fullPath: string): string {
  return fullPath.toLowerCase();
}
