import type { RequestHandler } from 'express';
import { ApiError, booleanParam, type Params } from '@stowage/http';
import {
  countTagsByRepository,
  findRepositoryById,
  repositorySize,
  tagNamesByRepository,
} from '@stowage/registry-data';
import { callerOf, projectGrant } from './identity-access';
import { repositoryJson } from './repository-json';
import type { RestApiContext } from './rest-api-context';

/**
 * `GET /registry/repositories/:id` (`tags`, `tags_count`, `size`): any repository by id, for a
 * signed-in caller who may read its project's registry. As on GitLab, anonymous callers get 401
 * and callers without access 403.
 */
export function getRepository(ctx: RestApiContext): RequestHandler {
  return async (req, res) => {
    const caller = callerOf(req, res);
    if (caller.credentials === null) throw ApiError.unauthorized();
    const params = req.query as Params;
    const withTags = booleanParam(params, 'tags');
    const withCount = booleanParam(params, 'tags_count');
    const withSize = booleanParam(params, 'size');
    const raw = req.params.id as string;
    const repository = /^\d{1,18}$/.test(raw) ? await findRepositoryById(ctx.prisma, BigInt(raw)) : null;
    if (!repository) throw ApiError.notFound('Repository');
    const project = await projectGrant(ctx, caller, res, repository.projectId);
    if (!project?.canRead) throw ApiError.forbidden();
    const ids = [repository.id];
    const [names, counts, size] = await Promise.all([
      withTags ? tagNamesByRepository(ctx.prisma, ids) : undefined,
      withCount ? countTagsByRepository(ctx.prisma, ids) : undefined,
      withSize ? repositorySize(ctx.prisma, repository.id) : undefined,
    ]);
    res.json(
      repositoryJson(ctx, repository, project.fullPath, {
        canDestroy: project.canDestroy,
        tags: names?.get(repository.id),
        tagsCount: counts?.get(repository.id),
        size,
      }),
    );
  };
}
