import { isUniqueViolation, type Repository, type RegistryDb } from './client';

/** A push to a repository whose deletion was requested and has not finished. */
export class RepositoryBeingDeletedError extends Error {
  constructor(readonly path: string) {
    super(`repository ${path} is being deleted`);
    this.name = 'RepositoryBeingDeletedError';
  }
}

/** The repository at `path` unless it is being deleted; null when there is none. */
export async function findRepository(db: RegistryDb, path: string): Promise<Repository | null> {
  const repository = await db.repository.findUnique({ where: { path } });
  return repository && repository.status === null ? repository : null;
}

/**
 * The repository at `path`, created on the first push. `projectId` comes from the registry
 * token that auth-token issued for this path, so the project exists and its registry is on.
 */
export async function ensureRepository(db: RegistryDb, path: string, projectId: number): Promise<Repository> {
  for (let attempt = 0; ; attempt++) {
    const existing = await db.repository.findUnique({ where: { path } });
    if (existing) {
      if (existing.status !== null) throw new RepositoryBeingDeletedError(path);
      return existing;
    }
    try {
      return await db.repository.create({ data: { path, projectId } });
    } catch (error) {
      // Another push created it between our read and write: read it again.
      if (!isUniqueViolation(error) || attempt > 0) throw error;
    }
  }
}

/** Repository paths after `last`, in order, at most `limit` (the `_catalog` page). */
export async function listRepositoryPaths(
  db: RegistryDb,
  options: { last?: string; limit: number },
): Promise<string[]> {
  const rows = await db.repository.findMany({
    where: { status: null, ...(options.last !== undefined ? { path: { gt: options.last } } : {}) },
    orderBy: { path: 'asc' },
    take: options.limit,
    select: { path: true },
  });
  return rows.map((row) => row.path);
}
