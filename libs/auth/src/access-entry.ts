/**
 * One entry of the Docker token `access` claim: the actions granted on one resource,
 * e.g. `{ type: 'repository', name: 'group/app', actions: ['pull', 'push'] }`.
 */
export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
  /** GitLab adds the project so the registry can attribute usage without a lookup. */
  meta?: { project_id?: number; project_path?: string };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function parseMeta(value: unknown): AccessEntry['meta'] | null {
  if (!isRecord(value)) return null;
  const meta: NonNullable<AccessEntry['meta']> = {};
  if (value.project_id !== undefined) {
    if (!Number.isSafeInteger(value.project_id)) return null;
    meta.project_id = value.project_id as number;
  }
  if (value.project_path !== undefined) {
    if (!isNonEmptyString(value.project_path)) return null;
    meta.project_path = value.project_path;
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
