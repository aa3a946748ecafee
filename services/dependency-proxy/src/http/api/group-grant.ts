import type { Request, Response } from 'express';
import { ApiError } from '@stowage/http';
import { authorizeCaller, callerOf, targetRef } from '@stowage/identity-client';
import type { ProxyApiContext } from './api-context';

export const READ_DEPENDENCY_PROXY = 'read_dependency_proxy';
export const ADMIN_DEPENDENCY_PROXY = 'admin_dependency_proxy';

export interface GroupGrant {
  id: number;
  fullPath: string;
  canAdmin: boolean;
}

/**
 * The group named by `:id` whose dependency proxy the caller may see (Guest and up, as auth-token
 * decides `read_dependency_proxy`), or the error GitLab answers: 404 for a group the caller may
 * not see, 401 for an anonymous caller, 403 for one without the right.
 */
export async function readableGroup(ctx: ProxyApiContext, req: Request, res: Response): Promise<GroupGrant> {
  const caller = callerOf(req, res);
  const ref = targetRef(req.params.id as string | undefined);
  if (ref === null) throw ApiError.notFound('Group');
  const answer = await authorizeCaller(ctx.identity, caller, res, { group: ref }, [
    READ_DEPENDENCY_PROXY,
    ADMIN_DEPENDENCY_PROXY,
  ]);
  if (!answer.group) throw ApiError.notFound('Group');
  const canAdmin = answer.granted.includes(ADMIN_DEPENDENCY_PROXY);
  if (!canAdmin && !answer.granted.includes(READ_DEPENDENCY_PROXY)) {
    throw answer.principal.kind === 'anonymous' ? ApiError.unauthorized() : ApiError.forbidden();
  }
  return { id: answer.group.id, fullPath: answer.group.full_path, canAdmin };
}

/** As readableGroup, and the caller must be allowed to change it (the group's Owner). */
export async function administeredGroup(
  ctx: ProxyApiContext,
  req: Request,
  res: Response,
): Promise<GroupGrant> {
  const group = await readableGroup(ctx, req, res);
  if (!group.canAdmin) throw ApiError.forbidden();
  return group;
}
