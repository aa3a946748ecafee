import type { PackageFile, PrismaClient } from '@stowage/package-registry-data';
import type { KnownVersion } from './metadata-merge';

/**
 * The packages table as Maven downloads read it, over the projects a caller may read (one at
 * project level, several at group and instance level). Packages being deleted are never served.
 */

const TYPE = 'maven';
/** Hidden packages are still downloadable by their path (as generic's), not listed in metadata. */
const DOWNLOADABLE = ['default', 'hidden'];

/** The newest upload of `fileName` in the package `name`/`version` (null: the versionless one). */
export function newestFile(
  prisma: PrismaClient,
  projectIds: readonly number[],
  name: string,
  version: string | null,
  fileName: string,
): Promise<PackageFile | null> {
  return prisma.packageFile.findFirst({
    where: {
      fileName,
      status: 'default',
      package: {
        projectId: { in: [...projectIds] },
        packageType: TYPE,
        normalizedName: name,
        version,
        status: { in: DOWNLOADABLE },
      },
    },
    orderBy: { id: 'desc' },
  });
}

/** The versions of `name` that have files: what the artifact-level metadata lists. */
export async function knownVersions(
  prisma: PrismaClient,
  projectIds: readonly number[],
  name: string,
): Promise<KnownVersion[]> {
  const rows = await prisma.package.findMany({
    where: {
      projectId: { in: [...projectIds] },
      packageType: TYPE,
      normalizedName: name,
      version: { not: null },
      status: 'default',
      files: { some: { status: 'default' } },
    },
    select: { version: true, createdAt: true, updatedAt: true },
  });
  return rows.map((row) => ({ version: row.version!, createdAt: row.createdAt, updatedAt: row.updatedAt }));
}

/** The names of a version's files: a SNAPSHOT's builds are read from them. */
export async function versionFileNames(
  prisma: PrismaClient,
  projectIds: readonly number[],
  name: string,
  version: string,
): Promise<string[]> {
  const rows = await prisma.packageFile.findMany({
    where: {
      status: 'default',
      package: {
        projectId: { in: [...projectIds] },
        packageType: TYPE,
        normalizedName: name,
        version,
        status: { in: DOWNLOADABLE },
      },
    },
    distinct: ['fileName'],
    select: { fileName: true },
  });
  return rows.map((row) => row.fileName);
}
