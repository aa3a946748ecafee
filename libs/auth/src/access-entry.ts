/**
 * One entry of the Docker token `access` claim: the actions granted on one resource,
 * e.g. `{ type: 'repository', name: 'group/app', actions: ['pull', 'push'] }`.
 */
export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
  /**
   * What the entry's name resolved to, so a service need not look it up again: GitLab adds the
   * project on registry entries (the registry attributes usage by it); dependency proxy entries
   * carry the group whose proxy the name is.
   */
  meta?: AccessMeta;
}

export interface AccessMeta {
  project_id?: number;
  project_path?: string;
  group_id?: number;
  group_path?: string;
}

const ID_MEMBERS = ['project_id', 'group_id'] as const;
const PATH_MEMBERS = ['project_path', 'group_path'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function parseMeta(value: unknown): AccessMeta | null {
  if (!isRecord(value)) return null;
  const meta: AccessMeta = {};
  for (const member of ID_MEMBERS) {
    const id = value[member];
    if (id === undefined) continue;
    if (!Number.isSafeInteger(id)) return null;
    meta[member] = id as number;
  }
  for (const member of PATH_MEMBERS) {
    const path = value[member];
    if (path === undefined) continue;
    if (!isNonEmptyString(path)) return null;
    meta[member] = path;
  }
  return meta;
}

function parseEntry(value: unknown): AccessEntry | null {
  if (!isRecord(value)) return null;
  const { type, name, actions, meta } = value;
  if (!isNonEmptyString(type) || !isNonEmptyString(name)) return null;
  if (!Array.isArray(actions) || !actions.every(isNonEmptyString)) return null;
  const entry: AccessEntry = { type, name, actions: [...actions] };
  if (meta !== undefined) {
    const parsed = parseMeta(meta);
    if (parsed === null) return null;
    entry.meta = parsed;
  }
  return entry;
}

/**
 * Validates the `access` claim and returns a clean copy, or null if any part has the wrong shape.
 * An absent claim means "no access" (a `docker login` token carries none). Members we do not know
 * are dropped rather than refused, so auth-token can add one without breaking older verifiers;
 * the types of the members we read are strict.
 */
export function parseAccessClaim(value: unknown): AccessEntry[] | null {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return null;
  const entries: AccessEntry[] = [];
  for (const item of value) {
    const entry = parseEntry(item);
    if (entry === null) return null;
    entries.push(entry);
  }
  return entries;
}
