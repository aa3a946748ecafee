import { Prisma, type RegistryDb, type Repository } from './client';

/**
 * Reads behind GitLab's repository endpoints. Unlike the `/v2` lookups these include
 * repositories being deleted: GitLab lists them, with their status, until they are gone.
 */

/** The repository with this id, whatever its status; null when there is none. */
export function findRepositoryById(db: RegistryDb, id: bigint): Promise<Repository | null> {
  return db.repository.findUnique({ where: { id } });
}

/** Every repository of the projects, oldest first. */
export function listRepositoriesOfProjects(db: RegistryDb, projectIds: number[]): Promise<Repository[]> {
  if (projectIds.length === 0) return Promise.resolve([]);
  return db.repository.findMany({ where: { projectId: { in: projectIds } }, orderBy: { id: 'asc' } });
}

/**
 * The projects owning a repository below `namespacePath` (a group's full path): the candidates
 * of a group listing. The caller still checks each project's own path, and its access to it.
 */
export async function projectIdsBelow(db: RegistryDb, namespacePath: string): Promise<number[]> {
  const rows = await db.repository.findMany({
    where: { path: { startsWith: `${namespacePath.toLowerCase()}/` } },
    select: { projectId: true },
    distinct: ['projectId'],
  });
  return rows.map((row) => row.projectId);
}

/**
 * The size of each repository's images, in one query for a whole page (`size=true`): the distinct
 * blobs (configs and layers, an index's children included) its manifests name, each counted once
 * however many manifests share it.
 */
export async function sizesByRepository(
  db: RegistryDb,
  repositoryIds: bigint[],
): Promise<Map<bigint, number>> {
  const sizes = new Map<bigint, number>(repositoryIds.map((id) => [id, 0]));
  if (repositoryIds.length === 0) return sizes;
  const rows = await db.$queryRaw<{ repositoryId: bigint; size: bigint | null }[]>`
    SELECT repository_id AS "repositoryId", SUM(size)::bigint AS size FROM (
      SELECT DISTINCT m.repository_id, l.digest, l.size FROM registry.layers l
        JOIN registry.manifests m ON m.id = l.manifest_id
        WHERE m.repository_id IN (${Prisma.join(repositoryIds)})
    ) AS blobs GROUP BY repository_id`;
  for (const row of rows) sizes.set(row.repositoryId, Number(row.size ?? 0));
  return sizes;
}

/**
 * When each repository was last published to: its most recently pushed or moved tag (GitLab's
 * `lastPublishedAt`); null for a repository without tags.
 */
export async function lastPublishedAtByRepository(
  db: RegistryDb,
  repositoryIds: bigint[],
): Promise<Map<bigint, Date | null>> {
  const times = new Map<bigint, Date | null>(repositoryIds.map((id) => [id, null]));
  if (repositoryIds.length === 0) return times;
  const rows = await db.tag.groupBy({
    by: ['repositoryId'],
    where: { repositoryId: { in: repositoryIds } },
    _max: { updatedAt: true },
  });
  for (const row of rows) times.set(row.repositoryId, row._max.updatedAt);
  return times;
}
