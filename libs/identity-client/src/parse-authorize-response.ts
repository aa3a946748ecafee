import type { AuthorizeResponse, JobPipeline, Principal } from './authorize-contract';

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;
const isText = (value: unknown): value is string => typeof value === 'string';
const isTextOrNull = (value: unknown): value is string | null => value === null || isText(value);
const ACCESS_LEVELS = new Set([0, 10, 20, 30, 40, 50]);

/** A job's pipeline; absent (an older auth-token) reads as null, a malformed one as undefined. */
function parsePipeline(value: unknown): JobPipeline | null | undefined {
  if (value === null || value === undefined) return null;
  if (!isRecord(value) || !isId(value.id) || !isTextOrNull(value.ref) || !isTextOrNull(value.sha))
    return undefined;
  return { id: value.id, ref: value.ref, sha: value.sha };
}

function parsePrincipal(value: unknown): Principal | null {
  if (!isRecord(value)) return null;
  const { kind, user_id, username, admin, credential, deploy_token_id, project_id } = value;
  switch (kind) {
    case 'anonymous':
      return { kind };
    case 'user':
      if (!isId(user_id) || !isText(username) || typeof admin !== 'boolean' || !isText(credential))
        return null;
      return { kind, user_id, username, admin, credential };
    case 'deploy_token':
      if (!isId(deploy_token_id) || !isText(username) || !isText(credential)) return null;
      return { kind, deploy_token_id, username, credential };
    case 'job_token': {
      const pipeline = parsePipeline(value.pipeline);
      if (!isId(user_id) || !isText(username) || !isId(project_id) || !isText(credential)) return null;
      if (pipeline === undefined) return null;
      return { kind, user_id, username, project_id, credential, pipeline };
    }
    default:
      return null;
  }
}

function parseProject(value: unknown): AuthorizeResponse['project'] | undefined {
  if (value === null || value === undefined) return null;
  if (!isRecord(value) || !isId(value.id) || !isText(value.full_path) || !isText(value.visibility))
    return undefined;
  // An older auth-token does not send the role: no role is the safe reading.
  const level = value.access_level ?? 0;
  if (typeof level !== 'number' || !ACCESS_LEVELS.has(level)) return undefined;
  return { id: value.id, full_path: value.full_path, visibility: value.visibility, access_level: level };
}

function parseGroup(value: unknown): AuthorizeResponse['group'] | undefined {
  if (value === null || value === undefined) return null;
  if (!isRecord(value) || !isId(value.id) || !isText(value.full_path) || !isText(value.visibility))
    return undefined;
  return { id: value.id, full_path: value.full_path, visibility: value.visibility };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

/**
 * Checks auth-token's answer against the contract and returns a clean, frozen copy (members we
 * do not know are dropped, so a newer auth-token does not break this client), or null when a
 * member we read has the wrong shape. Frozen because cached answers are shared between callers.
 */
export function parseAuthorizeResponse(body: unknown): AuthorizeResponse | null {
  if (!isRecord(body)) return null;
  const principal = parsePrincipal(body.principal);
  const project = parseProject(body.project);
  const group = parseGroup(body.group);
  const granted = body.granted;
  if (!principal || project === undefined || group === undefined) return null;
  if (!Array.isArray(granted) || !granted.every(isText)) return null;
  return deepFreeze({ principal, project, group, granted: [...granted] });
}
