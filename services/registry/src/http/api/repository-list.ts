import { countTagsByRepository, tagNamesByRepository, type Repository } from '@stowage/registry-data';
import type { ProjectGrant } from './identity-access';
import { repositoryJson, repositoryName } from './repository-json';
import type { RestApiContext } from './rest-api-context';

/** What project and group listings share: the `name` search and the optional tag fields. */

/** GitLab's `name` search: the repository names containing the text, in any case. */
export function filterByName(
  repositories: Repository[],
  name: string | undefined,
  projects: Map<number, ProjectGrant>,
): Repository[] {
  if (!name) return repositories;
  const needle = name.toLowerCase();
  return repositories.filter((repository) => {
    const project = projects.get(repository.projectId);
    return project !== undefined && repositoryName(repository, project.fullPath).includes(needle);
  });
}

export async function presentRepositories(
  ctx: RestApiContext,
  repositories: Repository[],
  projects: Map<number, ProjectGrant>,
  options: { tags: boolean; tagsCount: boolean },
) {
  const ids = repositories.map((repository) => repository.id);
  const [names, counts] = await Promise.all([
    options.tags ? tagNamesByRepository(ctx.prisma, ids) : undefined,
    options.tagsCount ? countTagsByRepository(ctx.prisma, ids) : undefined,
  ]);
  return repositories.map((repository) => {
    const project = projects.get(repository.projectId)!;
    return repositoryJson(ctx, repository, project.fullPath, {
      canDestroy: project.canDestroy,
      tags: names?.get(repository.id),
      tagsCount: counts?.get(repository.id),
    });
  });
}
