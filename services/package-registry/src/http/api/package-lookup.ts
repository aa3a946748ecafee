import { ApiError, integerIdParam } from '@stowage/http';
import { LISTED_STATUSES, type Package } from '@stowage/package-registry-data';
import type { PackageContext } from '../../core/package-context';

/**
 * `:package_id` of the project, as GitLab finds it for the API: a package being deleted, hidden
 * or still processing answers 404 like one that does not exist.
 */
export async function packageOfProject(
  ctx: PackageContext,
  projectId: number,
  rawId: string | undefined,
): Promise<Package> {
  const id = integerIdParam(rawId, 'package_id');
  const pkg = await ctx.prisma.package.findFirst({
    where: { id, projectId, status: { in: [...LISTED_STATUSES] } },
  });
  if (!pkg) throw ApiError.notFound('Package');
  return pkg;
}
