import type { RequestHandler } from 'express';
import { ApiError, type Params } from '@stowage/http';
import { findRepositoryById } from '@stowage/registry-data';
import { callerOf, projectGrant } from './identity-access';
import { presentRepositories, repositoryFieldsParams } from './repository-list';
import type { RestApiContext } from './rest-api-context';

/**
 * `GET /registry/repositories/:id` (`tags`, `tags_count`, `size`): any repository by id, for a
 * caller who may read its project's registry, anonymous ones included when the project is public
 * (as the project listing shows them). An anonymous caller who may not read it gets 401 whether
 * or not the repository exists, so ids reveal nothing; a signed-in one gets 404 for an unknown id
 * and 403 without access, as on GitLab.
 */
export function getRepository(ctx: RestApiContext): RequestHandler {
  return async (req, res) => {
    const fields = repositoryFieldsParams(req.query as Params);
    const caller = callerOf(req, res);
    const anonymous = caller.credentials === null;
    const raw = req.params.id as string;
    const repository = /^\d{1,18}$/.test(raw) ? await findRepositoryById(ctx.prisma, BigInt(raw)) : null;
    const project = repository ? await projectGrant(ctx, caller, res, repository.projectId) : null;
    if (anonymous && !project?.canRead) throw ApiError.unauthorized();
    if (!repository) throw ApiError.notFound('Repository');
    if (!project?.canRead) throw ApiError.forbidden();
    const [json] = await presentRepositories(ctx, [repository], new Map([[project.id, project]]), fields);
    res.json(json);
  };
}
