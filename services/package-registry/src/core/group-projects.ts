import type { Request, Response } from 'express';
import type { Caller } from '@stowage/identity-client';
import type { PrismaClient } from '@stowage/package-registry-data';
import { groupAccess, readableProjects, type GroupAccess, type ProjectAccess } from './package-access';
import type { PackageContext } from './package-context';

/**
 * The projects below a namespace that hold packages, from the paths recorded at publish time. Each
 * is then asked about on its own: a group the caller sees may hold projects it does not.
 */
export async function projectIdsBelow(prisma: PrismaClient, namespacePath: string): Promise<number[]> {
  const prefix = `${namespacePath.toLowerCase()}/`;
  const rows = await prisma.$queryRaw<{ project_id: number }[]>`
    SELECT DISTINCT project_id FROM package_registry.packages
      WHERE left(lower(project_path), ${prefix.length}) = ${prefix}`;
  return rows.map((row) => row.project_id);
}

/** The projects directly in `namespacePath` (not in its subgroups). */
function directlyIn(projects: Map<number, ProjectAccess>, namespacePath: string): Map<number, ProjectAccess> {
  const prefix = `${namespacePath.toLowerCase()}/`;
  return new Map(
    [...projects].filter(([, access]) => {
      const path = access.project.fullPath.toLowerCase();
      return path.startsWith(prefix) && !path.slice(prefix.length).includes('/');
    }),
  );
}

/** Projects below the namespace whose packages the caller may read (their current path still below it). */
export async function readableProjectsBelow(
  ctx: PackageContext,
  caller: Caller,
  res: Response,
  namespacePath: string,
  options: { excludeSubgroups?: boolean } = {},
): Promise<Map<number, ProjectAccess>> {
  const candidates = await projectIdsBelow(ctx.prisma, namespacePath);
  const prefix = `${namespacePath.toLowerCase()}/`;
  const readable = await readableProjects(ctx, caller, res, candidates);
  // A project moved elsewhere since it published keeps its old path in our rows: the answer's path is current.
  const below = new Map(
    [...readable].filter(([, access]) => access.project.fullPath.toLowerCase().startsWith(prefix)),
  );
  return options.excludeSubgroups ? directlyIn(below, namespacePath) : below;
}

/**
 * Instance level (`/packages/maven/...`): the projects holding a live package of this type and
 * name whose packages the caller may read. Packages are found by name first, then each project
 * is asked about, so a lookup costs one authorize call per project holding the name.
 */
export async function readableProjectsWithPackage(
  ctx: PackageContext,
  caller: Caller,
  res: Response,
  packageType: string,
  normalizedName: string,
): Promise<Map<number, ProjectAccess>> {
  const rows = await ctx.prisma.package.findMany({
    where: { packageType, normalizedName, status: { not: 'pending_destruction' } },
    distinct: ['projectId'],
    select: { projectId: true },
  });
  return readableProjects(
    ctx,
    caller,
    res,
    rows.map((row) => row.projectId),
  );
}

/** `/groups/:id/...`: the group, the caller, and the projects below it whose packages the caller may read. */
export async function groupReadableProjects(
  ctx: PackageContext,
  req: Request,
  res: Response,
  rawId: string | undefined,
  options: { excludeSubgroups?: boolean } = {},
): Promise<GroupAccess & { caller: Caller; projects: Map<number, ProjectAccess> }> {
  const group = await groupAccess(ctx, req, res, rawId);
  const projects = await readableProjectsBelow(ctx, group.caller, res, group.group.fullPath, options);
  return { ...group, projects };
}
