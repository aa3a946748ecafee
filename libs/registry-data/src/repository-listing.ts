import type { RegistryDb, Repository } from './client';

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

/** The size of the repository's images, each blob counted once however many manifests share it. */
export async function repositorySize(db: RegistryDb, repositoryId: bigint): Promise<number> {
  const layers = await db.layer.findMany({
    where: { manifest: { repositoryId } },
    select: { digest: true, size: true },
    distinct: ['digest'],
  });
  return layers.reduce((total, layer) => total + Number(layer.size), 0);
}
