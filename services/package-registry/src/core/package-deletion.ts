import {
  PACKAGE_DELETED,
  PACKAGE_DESTRUCTION_QUEUE,
  recordPackageEvent,
  type Package,
  type PackageFile,
} from '@stowage/package-registry-data';
import type { ProjectAccess } from './package-access';
import type { PackageContext } from './package-context';
import { PackageNotFoundError } from './package-errors';
import { assertDeleteAllowed } from './protection';

/**
 * Deleting packages and files as GitLab does: the rows are marked `pending_destruction` at once
 * (clients stop seeing them), and the cleanup-worker deletes the rows and, once no other file
 * uses them, their objects. The protection rules for deleting apply to both.
 */

/**
 * Marks the package and its files for destruction and records `package.deleted`, in one
 * transaction; then asks the worker to destroy it now. A package already being deleted (a
 * concurrent request won) answers PackageNotFoundError, as it would a moment later.
 */
export async function deletePackage(ctx: PackageContext, access: ProjectAccess, pkg: Package): Promise<void> {
  await assertDeleteAllowed(ctx.prisma, access, pkg.packageType, pkg.name);
  const marked = await ctx.prisma.$transaction(async (tx) => {
    const { count } = await tx.package.updateMany({
      where: { id: pkg.id, status: { not: 'pending_destruction' } },
      data: { status: 'pending_destruction' },
    });
    if (count === 0) return false;
    await tx.packageFile.updateMany({
      where: { packageId: pkg.id },
      data: { status: 'pending_destruction' },
    });
    await recordPackageEvent(tx, PACKAGE_DELETED, {
      package_id: pkg.id,
      project_id: pkg.projectId,
      package_type: pkg.packageType,
      name: pkg.name,
      version: pkg.version,
    });
    return true;
  });
  if (!marked) throw new PackageNotFoundError('Package');
  await requestDestruction(ctx);
}

/** Marks one file of a package for destruction (the package stays, with its other files). */
export async function deletePackageFile(
  ctx: PackageContext,
  access: ProjectAccess,
  pkg: Package,
  file: PackageFile,
): Promise<void> {
  await assertDeleteAllowed(ctx.prisma, access, pkg.packageType, pkg.name);
  const { count } = await ctx.prisma.packageFile.updateMany({
    where: { id: file.id, status: 'default' },
    data: { status: 'pending_destruction' },
  });
  if (count === 0) throw new PackageNotFoundError('Package File');
  await requestDestruction(ctx);
}

/**
 * Queues the worker's destruction pass. The deletion is already committed: when the broker is
 * down the worker's periodic sweep finds the marked rows anyway, so this only logs.
 */
async function requestDestruction(ctx: PackageContext): Promise<void> {
  try {
    await ctx.jobs.enqueue(PACKAGE_DESTRUCTION_QUEUE, {});
  } catch (error) {
    ctx.logger.warn('package destruction not queued; the next sweep does it', {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
