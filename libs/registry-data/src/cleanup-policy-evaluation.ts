import type { RegistryDb, Repository } from './client';
import type { CleanupPolicy } from './cleanup-policy';
import { cleanupRulesOfPolicy } from './cleanup-policy-rules';
import { selectTagsToDelete } from './tag-cleanup-rules';

/** What a policy run would delete in one repository: tag names, oldest first. */
export interface RepositoryCleanup {
  repository: Repository;
  tags: string[];
}

/**
 * Evaluates a policy on every repository of the project as it stands at `asOf`: the tags of
 * each (only those last pushed by then, so a push during a run is not its to judge), through
 * the shared rules. Oldest first, so a run cut short by its limits has removed the oldest.
 * A repository being deleted is left to that deletion. Reads only; the preview uses it as is.
 */
export async function evaluateCleanupPolicy(
  db: RegistryDb,
  projectId: number,
  policy: CleanupPolicy,
  asOf: Date,
): Promise<RepositoryCleanup[]> {
  const rules = cleanupRulesOfPolicy(policy, asOf);
  const repositories = await db.repository.findMany({
    where: { projectId, status: null },
    orderBy: { id: 'asc' },
  });
  const cleanups: RepositoryCleanup[] = [];
  for (const repository of repositories) {
    const candidates = await db.tag.findMany({
      where: { repositoryId: repository.id, updatedAt: { lte: asOf } },
      select: { name: true, createdAt: true, updatedAt: true },
    });
    const newestFirst = selectTagsToDelete(candidates, rules);
    cleanups.push({ repository, tags: newestFirst.map((tag) => tag.name).reverse() });
  }
  return cleanups;
}
