import type { Request, Response } from 'express';
import { pageOf, setPaginationHeaders, type Page, type Params } from '@stowage/http';
import type { Package } from '@stowage/package-registry-data';
import type { ProjectAccess } from '../../core/package-access';
import type { PackageContext } from '../../core/package-context';
import { packageFilters, packageOrder, packageWhere, type PackageFilters } from './package-filters';
import { presentPackage } from './package-json';

/** The builds and tags each listed package shows, loaded for one page at once. */
export async function presentPackages(
  ctx: PackageContext,
  packages: Package[],
  projects: Map<number, ProjectAccess>,
) {
  const ids = packages.map((pkg) => pkg.id);
  const [buildInfos, tags] = await Promise.all([
    ctx.prisma.packageBuildInfo.findMany({
      where: { packageId: { in: ids } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    }),
    ctx.prisma.packageTag.findMany({ where: { packageId: { in: ids } }, orderBy: { name: 'asc' } }),
  ]);
  return packages.map((pkg) =>
    presentPackage({
      package: pkg,
      buildInfos: buildInfos.filter((build) => build.packageId === pkg.id),
      tags: tags.filter((tag) => tag.packageId === pkg.id),
      externalUrl: ctx.externalUrl,
      canDestroy: projects.get(pkg.projectId)?.can.destroy ?? false,
    }),
  );
}

export interface ListingRequest {
  filters: PackageFilters;
  page: Page;
}

/** The listing's parameters, read (and refused with 400) before anyone is asked about access, as Grape does. */
export function listingRequest(req: Request, scope: 'project' | 'group'): ListingRequest {
  return { filters: packageFilters(req.query as Params, scope), page: pageOf(req) };
}

/** One page of the packages of `projects` that match the listing's filters, with GitLab's headers. */
export async function sendPackageListing(
  ctx: PackageContext,
  req: Request,
  res: Response,
  projects: Map<number, ProjectAccess>,
  { filters, page }: ListingRequest,
): Promise<void> {
  const where = packageWhere([...projects.keys()], filters);
  const [total, packages] = await Promise.all([
    ctx.prisma.package.count({ where }),
    ctx.prisma.package.findMany({ where, orderBy: packageOrder(filters), skip: page.skip, take: page.take }),
  ]);
  setPaginationHeaders(req, res, ctx.externalUrl, page, total);
  res.json(await presentPackages(ctx, packages, projects));
}
