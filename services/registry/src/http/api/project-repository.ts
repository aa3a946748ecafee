import { ApiError } from '@stowage/http';
import { findRepositoryById, type Repository } from '@stowage/registry-data';
import { repositoryIdParam } from './params';
import type { RestApiContext } from './rest-api-context';

/** `:repository_id` of the project; 404 when it does not exist or is another project's. */
export async function repositoryOfProject(
  ctx: RestApiContext,
  projectId: number,
  rawRepositoryId: string | undefined,
): Promise<Repository> {
  const repository = await findRepositoryById(ctx.prisma, repositoryIdParam(rawRepositoryId));
  if (!repository || repository.projectId !== projectId) throw ApiError.notFound('Repository');
  return repository;
}
