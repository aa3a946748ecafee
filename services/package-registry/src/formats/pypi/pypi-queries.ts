import { Prisma, type PackageFile, type PrismaClient } from '@stowage/package-registry-data';

/**
 * What the simple index and the file routes read. Index rows come from SQL that picks single
 * fields out of the file metadata, so listing a project never loads the wheels' METADATA texts.
 */

/** Statuses whose files pip may install (GitLab's `installable`: hidden packages stay installable). */
export const INSTALLABLE = ['default', 'hidden'];

export interface IndexRow {
  projectId: number;
  fileName: string;
  sha256: string;
  size: number;
  createdAt: Date;
  version: string;
  requiresPython: string | null;
  coreMetadataSha256: string | null;
}

/** The files of the project `normalizedName` in these projects, oldest first. */
export async function indexRows(
  prisma: PrismaClient,
  projectIds: readonly number[],
  normalizedName: string,
): Promise<IndexRow[]> {
  if (projectIds.length === 0) return [];
  const rows = await prisma.$queryRaw<
    {
      project_id: number;
      file_name: string;
      sha256: string;
      size: bigint;
      created_at: Date;
      version: string;
      requires_python: string | null;
      core_metadata_sha256: string | null;
    }[]
  >`
    SELECT p.project_id, f.file_name, f.sha256, f.size, f.created_at, p.version,
           COALESCE(f.metadata->>'requires_python', p.metadata->>'requires_python') AS requires_python,
           f.metadata->>'core_metadata_sha256' AS core_metadata_sha256
      FROM package_registry.package_files f
      JOIN package_registry.packages p ON p.id = f.package_id
     WHERE p.project_id IN (${Prisma.join(projectIds)}) AND p.package_type = 'pypi'
       AND p.normalized_name = ${normalizedName} AND p.status IN (${Prisma.join(INSTALLABLE)})
       AND f.status = 'default'
     ORDER BY f.created_at, f.id`;
  return rows.map((row) => ({
    projectId: row.project_id,
    fileName: row.file_name,
    sha256: row.sha256,
    size: Number(row.size),
    createdAt: row.created_at,
    version: row.version,
    requiresPython: row.requires_python === '' ? null : row.requires_python,
    coreMetadataSha256: row.core_metadata_sha256,
  }));
}

/** The PyPI projects with installable files in these projects: each normalised name once, with its latest spelling. */
export async function projectNames(
  prisma: PrismaClient,
  projectIds: readonly number[],
): Promise<{ name: string; normalizedName: string }[]> {
  if (projectIds.length === 0) return [];
  const rows = await prisma.$queryRaw<{ name: string; normalized_name: string }[]>`
    SELECT DISTINCT ON (p.normalized_name) p.name, p.normalized_name
      FROM package_registry.packages p
     WHERE p.project_id IN (${Prisma.join(projectIds)}) AND p.package_type = 'pypi'
       AND p.status IN (${Prisma.join(INSTALLABLE)})
       AND EXISTS (SELECT 1 FROM package_registry.package_files f WHERE f.package_id = p.id AND f.status = 'default')
     ORDER BY p.normalized_name, p.updated_at DESC`;
  return rows.map((row) => ({ name: row.name, normalizedName: row.normalized_name }));
}

/** The file `fileName` with this SHA-256 in one of these projects (the newest, should it be there twice). */
export function distributionFileRow(
  prisma: PrismaClient,
  projectIds: readonly number[],
  sha256: string,
  fileName: string,
): Promise<PackageFile | null> {
  return prisma.packageFile.findFirst({
    where: {
      fileName,
      sha256: sha256.toLowerCase(),
      status: 'default',
      package: { projectId: { in: [...projectIds] }, packageType: 'pypi', status: { in: INSTALLABLE } },
    },
    orderBy: { id: 'desc' },
  });
}
