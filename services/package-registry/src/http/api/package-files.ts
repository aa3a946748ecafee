import type { RequestHandler } from 'express';
import {
  ApiError,
  enumParam,
  integerIdParam,
  pageOf,
  setPaginationHeaders,
  type Params,
} from '@stowage/http';
import { deletePackageFile } from '../../core/package-deletion';
import { projectAccess } from '../../core/package-access';
import type { PackageContext } from '../../core/package-context';
import { presentPackageFile } from './package-json';
import { packageOfProject } from './package-lookup';

const FILE_ORDERS = ['id', 'file_name', 'created_at'] as const;
const FILE_COLUMN = { id: 'id', file_name: 'fileName', created_at: 'createdAt' } as const;

/** `GET /projects/:id/packages/:package_id/package_files`: the package's files (not those being deleted). */
export function listPackageFiles(ctx: PackageContext): RequestHandler {
  return async (req, res) => {
    const params = req.query as Params;
    const orderBy = enumParam(params, 'order_by', FILE_ORDERS, 'id');
    const sort = enumParam(params, 'sort', ['asc', 'desc'] as const, 'asc');
    const page = pageOf(req);
    const access = await projectAccess(ctx, req, res, req.params.id as string, 'read');
    const pkg = await packageOfProject(ctx, access.project.id, req.params.package_id as string);
    const where = { packageId: pkg.id, status: 'default' };
    const [total, files] = await Promise.all([
      ctx.prisma.packageFile.count({ where }),
      ctx.prisma.packageFile.findMany({
        where,
        orderBy: [{ [FILE_COLUMN[orderBy]]: sort }, { id: sort }],
        skip: page.skip,
        take: page.take,
      }),
    ]);
    setPaginationHeaders(req, res, ctx.externalUrl, page, total);
    res.json(files.map((file) => presentPackageFile(file)));
  };
}

/**
 * `DELETE /projects/:id/packages/:package_id/package_files/:package_file_id`: marks the file for
 * destruction (the cleanup-worker removes it, and its object once no file uses it); 204.
 */
export function deletePackageFileHandler(ctx: PackageContext): RequestHandler {
  return async (req, res) => {
    const fileId = integerIdParam(req.params.package_file_id as string, 'package_file_id');
    const access = await projectAccess(ctx, req, res, req.params.id as string, 'destroy');
    const pkg = await packageOfProject(ctx, access.project.id, req.params.package_id as string);
    const file = await ctx.prisma.packageFile.findFirst({
      where: { id: fileId, packageId: pkg.id, status: 'default' },
    });
    if (!file) throw ApiError.notFound();
    await deletePackageFile(ctx, access, pkg, file);
    res.status(204).end();
  };
}
