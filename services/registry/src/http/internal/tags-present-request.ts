import { ApiError } from '@stowage/http';

/**
 * Most project ids one call may ask about. A group rename asks about every project beneath the
 * group, so auth-token's client splits larger sets into calls of this size.
 */
export const MAX_PROJECT_IDS = 1000;

/** Project ids are PostgreSQL `integer`s: a larger number names no project and cannot be queried. */
const MAX_PROJECT_ID = 2 ** 31 - 1;

const isProjectId = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) > 0 && (value as number) <= MAX_PROJECT_ID;

/**
 * The distinct ids of `{"project_ids":[...]}`, or a 400 in Grape's words: the parameter missing,
 * not an array of positive integers, or longer than MAX_PROJECT_IDS.
 */
export function parseTagsPresentRequest(body: unknown): number[] {
  const ids = (body as { project_ids?: unknown } | null | undefined)?.project_ids;
  if (ids === undefined || ids === null) throw ApiError.missingParameter('project_ids');
  if (!Array.isArray(ids) || !ids.every(isProjectId)) {
    throw new ApiError(400, { error: 'project_ids is invalid' });
  }
  if (ids.length > MAX_PROJECT_IDS) {
    throw new ApiError(400, {
      error: `project_ids is expected to have length less than or equal to ${MAX_PROJECT_IDS}`,
    });
  }
  return [...new Set(ids)];
}
