import type { Request, Response } from 'express';
import { ApiError } from '@stowage/http';
import { authorizeCaller, callerOf, targetRef, type Caller, type TargetRef } from '@stowage/identity-client';
import type { RestApiContext } from './rest-api-context';

/**
 * Who may do what, as auth-token decides it (`POST /internal/v1/authorize`): reading a
 * project's registry is `read_container_image` (anyone on a public project, signed-in users on
 * an internal one, Reporter+ otherwise), deleting is `destroy_container_image` (Maintainer+).
 * A project the caller may not see answers 404, exactly as one that does not exist.
 */

export const READ_CONTAINER_IMAGE = 'read_container_image';
export const DESTROY_CONTAINER_IMAGE = 'destroy_container_image';

export { callerOf, type Caller };

export interface ProjectGrant {
  id: number;
  fullPath: string;
  canRead: boolean;
  canDestroy: boolean;
}

/** The project and the caller's registry abilities on it; null when the caller may not see it. */
export async function projectGrant(
  ctx: RestApiContext,
  caller: Caller,
  res: Response,
  ref: TargetRef,
): Promise<ProjectGrant | null> {
  const answer = await authorizeCaller(ctx.identity, caller, res, { project: ref }, [
    READ_CONTAINER_IMAGE,
    DESTROY_CONTAINER_IMAGE,
  ]);
  if (!answer.project) return null;
  return {
    id: answer.project.id,
    fullPath: answer.project.full_path,
    canRead: answer.granted.includes(READ_CONTAINER_IMAGE),
    canDestroy: answer.granted.includes(DESTROY_CONTAINER_IMAGE),
  };
}

/** The project named by `:id` whose registry the caller may read: 404 or 403 otherwise. */
export async function readableProject(
  ctx: RestApiContext,
  req: Request,
  res: Response,
): Promise<{ caller: Caller; project: ProjectGrant }> {
  const caller = callerOf(req, res);
  const ref = targetRef(req.params.id as string | undefined);
  const project = ref === null ? null : await projectGrant(ctx, caller, res, ref);
  if (!project) throw ApiError.notFound('Project');
  if (!project.canRead) throw ApiError.forbidden();
  return { caller, project };
}

/** The group named by `:id` if the caller may see it (404 otherwise). */
export async function visibleGroup(
  ctx: RestApiContext,
  caller: Caller,
  res: Response,
  raw: string | undefined,
): Promise<{ id: number; fullPath: string }> {
  const ref = targetRef(raw);
  const answer = ref === null ? null : await authorizeCaller(ctx.identity, caller, res, { group: ref }, []);
  if (!answer?.group) throw ApiError.notFound('Group');
  return { id: answer.group.id, fullPath: answer.group.full_path };
}

export function requireDestroy(project: ProjectGrant): void {
  if (!project.canDestroy) throw ApiError.forbidden();
}
