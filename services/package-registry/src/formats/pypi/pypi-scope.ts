import type { Request, Response } from 'express';
import { groupReadableProjects } from '../../core/group-projects';
import { projectAccess } from '../../core/package-access';
import type { PackageContext } from '../../core/package-context';

/**
 * Where an index request looks: one project (`/projects/:id/packages/pypi`) or every project
 * below a group whose packages the caller may read (`/groups/:id/-/packages/pypi`), and the path
 * its links point under, so a group's pages link the group's own file routes.
 */
export interface PypiScope {
  projectIds: number[];
  /** Absolute path (no host: links stay on the host the client used, credentials and all) of `.../packages/pypi`. */
  basePath: string;
}

export type ScopeResolver = (ctx: PackageContext, req: Request, res: Response) => Promise<PypiScope>;

/** The path the gateway is served under (EXTERNAL_URL's path), without a trailing slash. */
function pathPrefix(ctx: PackageContext): string {
  return new URL(ctx.externalUrl).pathname.replace(/\/+$/, '');
}

export const projectScope: ScopeResolver = async (ctx, req, res) => {
  const access = await projectAccess(ctx, req, res, req.params.id as string, 'read');
  return {
    projectIds: [access.project.id],
    basePath: `${pathPrefix(ctx)}/api/v4/projects/${access.project.id}/packages/pypi`,
  };
};

export const groupScope: ScopeResolver = async (ctx, req, res) => {
  const { group, projects } = await groupReadableProjects(ctx, req, res, req.params.id as string);
  return {
    projectIds: [...projects.keys()],
    basePath: `${pathPrefix(ctx)}/api/v4/groups/${group.id}/-/packages/pypi`,
  };
};
