import type { RequestHandler } from 'express';
import { pageOf, setPaginationHeaders } from '@stowage/http';
import { projectAccess } from '../../core/package-access';
import type { PackageContext } from '../../core/package-context';
import { presentPipeline } from './package-json';
import { packageOfProject } from './package-lookup';

/** `GET /projects/:id/packages/:package_id/pipelines`: the pipelines that published it, newest first. */
export function listPackagePipelines(ctx: PackageContext): RequestHandler {
  return async (req, res) => {
    const page = pageOf(req);
    const access = await projectAccess(ctx, req, res, req.params.id as string, 'read');
    const pkg = await packageOfProject(ctx, access.project.id, req.params.package_id as string);
    const where = { packageId: pkg.id };
    const [total, builds] = await Promise.all([
      ctx.prisma.packageBuildInfo.count({ where }),
      ctx.prisma.packageBuildInfo.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: page.skip,
        take: page.take,
      }),
    ]);
    setPaginationHeaders(req, res, ctx.externalUrl, page, total);
    res.json(builds.map(presentPipeline));
  };
}
