import type { Repository } from '@stowage/registry-data';
import type { ProjectGrant } from './identity-access';
import { repositoryName } from './repository-json';

/**
 * The orders a repository listing offers (`order_by`, `sort`). `id` is the historical order and
 * the default; GitLab's GraphQL sorts by name, creation and last publication the same way.
 */
export const REPOSITORY_ORDERS = ['id', 'name', 'created_at', 'last_published_at'] as const;
export type RepositoryOrder = (typeof REPOSITORY_ORDERS)[number];
export const SORTS = ['asc', 'desc'] as const;
export type Sort = (typeof SORTS)[number];

/**
 * The repositories in the asked order; ties go by id in the same direction, so pages never
 * overlap. A repository never published to (no tags) counts as the oldest: first ascending,
 * last descending, so "newest first" ends with the empty ones.
 */
export function sortRepositories(
  repositories: Repository[],
  order: { orderBy: RepositoryOrder; sort: Sort },
  projects: Map<number, ProjectGrant>,
  lastPublishedAt: Map<bigint, Date | null>,
): Repository[] {
  const key = (repository: Repository): string | number => {
    switch (order.orderBy) {
      case 'name':
        return repositoryName(repository, projects.get(repository.projectId)?.fullPath ?? '');
      case 'created_at':
        return repository.createdAt.getTime();
      case 'last_published_at':
        return lastPublishedAt.get(repository.id)?.getTime() ?? Number.NEGATIVE_INFINITY;
      case 'id':
        return 0;
    }
  };
  const direction = order.sort === 'asc' ? 1 : -1;
  const keyed = repositories.map((repository) => ({ repository, key: key(repository) }));
  keyed.sort((a, b) => {
    const byKey = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    const byId = a.repository.id < b.repository.id ? -1 : a.repository.id > b.repository.id ? 1 : 0;
    return direction * (byKey || byId);
  });
  return keyed.map((entry) => entry.repository);
}
