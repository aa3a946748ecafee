/**
 * The `scope` parameters of a Docker token request (`GET /jwt/auth`), parsed after GitLab's
 * JwtController: the parameter may repeat and each value may hold several space-separated scopes
 * (RFC 6749 §3.3). A scope is `<type>:<name>:<action>[,<action>...]`; anything we cannot read is
 * ignored rather than refused, as GitLab does, so a client asking for more than it may have still
 * gets a token for what it may have.
 */

export type RepositoryAction = 'pull' | 'push' | 'delete' | '*';

export type RegistryScope =
  /** `repository:<name>:<actions>`; the name lower-cased, as GitLab does before matching. */
  | { type: 'repository'; name: string; actions: RepositoryAction[] }
  /** `registry:catalog:*`: listing every repository. */
  | { type: 'registry'; name: 'catalog'; actions: ['*'] };

/** More scopes than any client sends in one request; the rest are ignored, bounding the work. */
export const MAX_SCOPES = 64;

/** Docker's limit on a repository name. */
const MAX_NAME_LENGTH = 255;

// The repository name grammar of the distribution spec (lower case, `/`-separated components).
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY_NAME = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);

/** `repository` with an optional resource class, e.g. `repository(plugin)`. */
const REPOSITORY_TYPE = /^repository(?:\([a-z0-9]+\))?$/;

const ACTIONS = new Set<string>(['pull', 'push', 'delete', '*']);

function parseActions(raw: string): RepositoryAction[] {
  const actions: RepositoryAction[] = [];
  for (const action of raw.split(',')) {
    if (ACTIONS.has(action) && !actions.includes(action as RepositoryAction)) {
      actions.push(action as RepositoryAction);
    }
  }
  return actions;
}

function parseScope(scope: string): RegistryScope | null {
  // The name sits between the first and the last colon.
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) return null;
  const type = scope.slice(0, first);
  const name = scope.slice(first + 1, last);
  const actions = parseActions(scope.slice(last + 1));
  if (type === 'registry') {
    return name === 'catalog' && actions.length === 1 && actions[0] === '*'
      ? { type: 'registry', name: 'catalog', actions: ['*'] }
      : null;
  }
  if (!REPOSITORY_TYPE.test(type)) return null;
  const repository = name.toLowerCase();
  if (repository.length > MAX_NAME_LENGTH || !REPOSITORY_NAME.test(repository)) return null;
  if (actions.length === 0) return null;
  return { type: 'repository', name: repository, actions };
}

/** Every readable scope in the request's `scope` parameters (a string, a list, or absent). */
export function parseRegistryScopes(raw: unknown): RegistryScope[] {
  const values = (Array.isArray(raw) ? raw : [raw]).filter(
    (value): value is string => typeof value === 'string',
  );
  const scopes: RegistryScope[] = [];
  for (const value of values) {
    for (const part of value.split(/\s+/)) {
      if (scopes.length >= MAX_SCOPES) return scopes;
      const scope = part ? parseScope(part) : null;
      if (scope) scopes.push(scope);
    }
  }
  return scopes;
}
