import type { RequestHandler, Response } from 'express';
import { projectIdsBelow } from '@stowage/registry-data';
import { callerOf, projectGrant, visibleGroup, type Caller, type ProjectGrant } from './identity-access';
import { repositoryListParams, sendRepositoryPage } from './repository-list';
import type { RestApiContext } from './rest-api-context';

/** Authorize calls in flight at once while a group listing checks its projects. */
const GRANT_CONCURRENCY = 8;

/**
 * The projects below the group whose registry the caller may read. Each candidate is asked
 * about on its own: a group the caller sees may hold projects it does not.
 */
async function readableProjectsBelow(
  ctx: RestApiContext,
  caller: Caller,
  res: Response,
  groupPath: string,
  projectIds: number[],
): Promise<Map<number, ProjectGrant>> {
  const readable = new Map<number, ProjectGrant>();
  const prefix = `${groupPath.toLowerCase()}/`;
  for (let start = 0; start < projectIds.length; start += GRANT_CONCURRENCY) {
    const chunk = projectIds.slice(start, start + GRANT_CONCURRENCY);
    const grants = await Promise.all(chunk.map((id) => projectGrant(ctx, caller, res, id)));
    for (const grant of grants) {
      // The path check also drops repositories that merely start like the group's path.
      if (grant?.canRead && grant.fullPath.toLowerCase().startsWith(prefix)) readable.set(grant.id, grant);
    }
  }
  return readable;
}

/**
 * `GET /groups/:id/registry/repositories`: the repositories of the projects in the group and
 * its subgroups that the caller may read (the project listing's parameters).
 */
export function listGroupRepositories(ctx: RestApiContext): RequestHandler {
  return async (req, res) => {
    const params = repositoryListParams(req);
    const caller = callerOf(req, res);
    const group = await visibleGroup(ctx, caller, res, req.params.id as string);
    const candidates = await projectIdsBelow(ctx.prisma, group.fullPath);
    const projects = await readableProjectsBelow(ctx, caller, res, group.fullPath, candidates);
    await sendRepositoryPage(ctx, req, res, projects, params);
  };
}
