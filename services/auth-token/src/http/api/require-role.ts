import { ApiError } from '@stowage/http';
import type { RoleCheck } from '../../domain/caller-role';

/** 404 for what the caller may not see (as if it did not exist), 403 for a role too low. */
export function requireRole<T>(check: RoleCheck<T>, what: 'Project' | 'Group'): T {
  if (check.kind === 'hidden') throw ApiError.notFound(what);
  if (check.kind === 'below') throw ApiError.forbidden();
  return check.target;
}
