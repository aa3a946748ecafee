import {
  cancelStorageDeletion,
  packageFileKey,
  PACKAGE_PUBLISHED,
  recordPackageEvent,
  scheduleStorageDeletions,
  type Package,
  type PackageDb,
  type PackageFile,
  type PackageStatus,
  type PackageType,
  Prisma,
} from '@stowage/package-registry-data';
import { duplicateAllowed, duplicateRuleFor } from './duplicates';
import { discardStaged, type StagedFile } from './file-staging';
import { checkFileName } from './names';
import type { ProjectAccess } from './package-access';
import type { PackageContext } from './package-context';
import { DuplicatePackageError } from './package-errors';
import { assertPushAllowed } from './protection';

async function retryOnceOnConflict<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return run();
    throw error;
  }
}

/** GitLab keeps the last five pipelines that published a package. */
const BUILD_INFOS_KEPT = 5;

/**
 * How a format treats a second file of the same name in the same package version:
 * - `namespace-setting`: the group's duplicate rule decides (generic, Maven releases);
 * - `never`: refused (npm versions, PyPI files);
 * - `always`: kept beside the older one, the newest wins when served (Maven metadata, SNAPSHOTs).
 */
export type DuplicatePolicy = 'namespace-setting' | 'never' | 'always';

export interface PublishRequest {
  access: ProjectAccess;
  type: PackageType;
  /** The name as the client gave it (validated by the format). */
  name: string;
  /** Lookup key of the name (PEP 503 for PyPI); the name itself by default. */
  normalizedName?: string;
  version: string | null;
  /** Status the package gets (generic's `status=hidden`); an existing package keeps its own unless given. */
  status?: PackageStatus;
  /** Package-level format fields, merged over what the package had. */
  metadata?: Prisma.InputJsonObject;
  file: { name: string; staged: StagedFile; metadata?: Prisma.InputJsonValue };
  duplicates: DuplicatePolicy;
  /** Format work in the same transaction (npm's dist-tags, for instance). */
  inTransaction?: (tx: PackageDb, published: { package: Package; file: PackageFile }) => Promise<void>;
}

export interface Published {
  package: Package;
  file: PackageFile;
}

/** The live package (not being deleted) of that name and version, locked for this transaction. */
async function lockedPackage(
  tx: PackageDb,
  request: PublishRequest,
  normalizedName: string,
): Promise<Package | null> {
  const rows = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM package_registry.packages
      WHERE project_id = ${request.access.project.id} AND package_type = ${request.type}
        AND normalized_name = ${normalizedName} AND COALESCE(version, '') = ${request.version ?? ''}
        AND status <> 'pending_destruction'
      FOR UPDATE`;
  return rows[0] ? tx.package.findUnique({ where: { id: rows[0].id } }) : null;
}

async function packageFor(tx: PackageDb, request: PublishRequest, normalizedName: string): Promise<Package> {
  const existing = await lockedPackage(tx, request, normalizedName);
  const { access } = request;
  if (existing) {
    const metadata =
      request.metadata === undefined
        ? undefined
        : { ...((existing.metadata as Prisma.JsonObject | null) ?? {}), ...request.metadata };
    return tx.package.update({
      where: { id: existing.id },
      data: {
        projectPath: access.project.fullPath,
        ...(request.status ? { status: request.status } : {}),
        ...(metadata ? { metadata } : {}),
      },
    });
  }
  return tx.package.create({
    data: {
      projectId: access.project.id,
      projectPath: access.project.fullPath,
      packageType: request.type,
      name: request.name,
      normalizedName,
      version: request.version,
      status: request.status ?? 'default',
      ...(request.metadata ? { metadata: request.metadata } : {}),
    },
  });
}

async function refuseDuplicate(tx: PackageDb, request: PublishRequest, pkg: Package): Promise<void> {
  if (request.duplicates === 'always') return;
  const existing = await tx.packageFile.count({
    where: { packageId: pkg.id, fileName: request.file.name, status: 'default' },
  });
  if (existing === 0) return;
  if (request.duplicates === 'never') throw new DuplicatePackageError('File name has already been taken');
  const rule = await duplicateRuleFor(tx, request.access.project.fullPath, request.type);
  if (!duplicateAllowed(rule, request.name, request.version)) throw new DuplicatePackageError();
}

async function recordBuild(tx: PackageDb, request: PublishRequest, pkg: Package): Promise<void> {
  const build = request.access.build;
  if (!build) return;
  await tx.packageBuildInfo.create({
    data: {
      packageId: pkg.id,
      pipelineId: build.pipelineId,
      ref: build.ref,
      sha: build.sha,
      userId: build.userId,
    },
  });
  const kept = await tx.packageBuildInfo.findMany({
    where: { packageId: pkg.id },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: BUILD_INFOS_KEPT,
    select: { id: true },
  });
  await tx.packageBuildInfo.deleteMany({
    where: { packageId: pkg.id, id: { notIn: kept.map((row) => row.id) } },
  });
}

/**
 * Adds a staged file to its package (created when new): the protection rules and the duplicate
 * policy are checked, the object moves to its content address, and the file row, the build info
 * and a `package.published` event are written in one transaction. All or nothing: when anything
 * refuses or fails, no row is left and the object is queued for removal unless another file uses it.
 */
export async function publishFile(ctx: PackageContext, request: PublishRequest): Promise<Published> {
  const { access, file } = request;
  checkFileName(file.name);
  const normalizedName = request.normalizedName ?? request.name;
  await assertPushAllowed(ctx.prisma, access, request.type, request.name);
  const storageKey = packageFileKey(file.staged.sha256);
  // Taken back from the deletion queue first (waiting for a sweep that holds it), so no sweep
  // removes the object between the move below and the commit (storage-deletions.ts).
  await cancelStorageDeletion(ctx.prisma, storageKey);
  try {
    await ctx.blobs.move(file.staged.stagingKey, storageKey);
  } catch (error) {
    await discardStaged(ctx.blobs, file.staged);
    throw error;
  }
  try {
    // Two first publishes of one version meet at the unique index; the loser runs again and
    // finds the winner's package.
    return await retryOnceOnConflict(() =>
      ctx.prisma.$transaction(async (tx) => {
        const pkg = await packageFor(tx, request, normalizedName);
        await refuseDuplicate(tx, request, pkg);
        await cancelStorageDeletion(tx, storageKey);
        const { staged } = file;
        const row = await tx.packageFile.create({
          data: {
            packageId: pkg.id,
            fileName: file.name,
            size: BigInt(staged.size),
            md5: staged.md5,
            sha1: staged.sha1,
            sha256: staged.sha256,
            sha512: staged.sha512,
            storageKey,
            ...(file.metadata === undefined ? {} : { metadata: file.metadata }),
          },
        });
        await recordBuild(tx, request, pkg);
        await request.inTransaction?.(tx, { package: pkg, file: row });
        await recordPackageEvent(tx, PACKAGE_PUBLISHED, {
          package_id: pkg.id,
          project_id: pkg.projectId,
          package_type: pkg.packageType,
          name: pkg.name,
          version: pkg.version,
          file_name: row.fileName,
          size: staged.size,
          sha256: staged.sha256,
        });
        return { package: pkg, file: row };
      }),
    );
  } catch (error) {
    await scheduleStorageDeletions(ctx.prisma, [storageKey]).catch((cause: unknown) =>
      ctx.logger.warn('could not queue an unused package object for removal', { storageKey, error: cause }),
    );
    throw error;
  }
}
