import type { RequestHandler } from 'express';
import { deletePackage } from '../../core/package-deletion';
import { projectAccess } from '../../core/package-access';
import type { PackageContext } from '../../core/package-context';
import { listingRequest, presentPackages, sendPackageListing } from './package-listing';
import { packageOfProject } from './package-lookup';

/** `GET /projects/:id/packages`: the project's packages (filters, order, pagination). */
export function listProjectPackages(ctx: PackageContext): RequestHandler {
  return async (req, res) => {
    const listing = listingRequest(req, 'project');
    const access = await projectAccess(ctx, req, res, req.params.id as string, 'read');
    await sendPackageListing(ctx, req, res, new Map([[access.project.id, access]]), listing);
  };
}

/** `GET /projects/:id/packages/:package_id`. */
export function getProjectPackage(ctx: PackageContext): RequestHandler {
  return async (req, res) => {
    const access = await projectAccess(ctx, req, res, req.params.id as string, 'read');
    const pkg = await packageOfProject(ctx, access.project.id, req.params.package_id as string);
    const [presented] = await presentPackages(ctx, [pkg], new Map([[access.project.id, access]]));
    res.json(presented);
  };
}

/**
 * `DELETE /projects/:id/packages/:package_id` (destroy right, protection rules for deleting):
 * marks the package and its files for destruction; 204. The cleanup-worker removes them.
 */
export function deleteProjectPackage(ctx: PackageContext): RequestHandler {
  return async (req, res) => {
    const access = await projectAccess(ctx, req, res, req.params.id as string, 'destroy');
    const pkg = await packageOfProject(ctx, access.project.id, req.params.package_id as string);
    await deletePackage(ctx, access, pkg);
    res.status(204).end();
  };
}
