import type { RequestHandler } from 'express';
import { booleanParam, type Params } from '@stowage/http';
import { groupReadableProjects } from '../../core/group-projects';
import type { PackageContext } from '../../core/package-context';
import { listingRequest, sendPackageListing } from './package-listing';

/**
 * `GET /groups/:id/packages`: the packages of the projects in the group (and its subgroups unless
 * `exclude_subgroups`) whose packages the caller may read; `order_by=project_path` too.
 */
export function listGroupPackages(ctx: PackageContext): RequestHandler {
  return async (req, res) => {
    const listing = listingRequest(req, 'group');
    const excludeSubgroups = booleanParam(req.query as Params, 'exclude_subgroups');
    const { projects } = await groupReadableProjects(ctx, req, res, req.params.id as string, {
      excludeSubgroups,
    });
    await sendPackageListing(ctx, req, res, projects, listing);
  };
}
