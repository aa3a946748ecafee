import type { RequestHandler } from 'express';
import { ApiError, enumParam, pageOf, setPaginationHeaders, type Params } from '@stowage/http';
import { deleteTag, findTagDetails, isValidTag, listTagsPage, type TagOrder } from '@stowage/registry-data';
import { readableProject, requireDestroy } from './identity-access';
import { repositoryOfProject } from './project-repository';
import { tagDetailsJson, tagJson } from './repository-json';
import type { RestApiContext } from './rest-api-context';

const TAG_ORDERS: readonly TagOrder[] = ['name', 'created_at', 'updated_at'];
const SORTS = ['asc', 'desc'] as const;

/** `GET /projects/:id/registry/repositories/:repository_id/tags` (by name unless `order_by`, `sort`). */
export function listRepositoryTags(ctx: RestApiContext): RequestHandler {
  return async (req, res) => {
    const { project } = await readableProject(ctx, req, res);
    const params = req.query as Params;
    const orderBy = enumParam(params, 'order_by', TAG_ORDERS, 'name');
    const sort = enumParam(params, 'sort', SORTS, 'asc');
    const page = pageOf(req);
    const repository = await repositoryOfProject(ctx, project.id, req.params.repository_id as string);
    const { tags, total } = await listTagsPage(ctx.prisma, repository.id, {
      orderBy,
      sort,
      skip: page.skip,
      take: page.take,
    });
    setPaginationHeaders(req, res, ctx.externalUrl, page, total);
    res.json(tags.map((tag) => tagJson(ctx, repository.path, tag.name)));
  };
}

/** `GET .../tags/:tag_name`: the tag with its manifest's digest, config revision and size. */
export function getRepositoryTag(ctx: RestApiContext): RequestHandler {
  return async (req, res) => {
    const { project } = await readableProject(ctx, req, res);
    const repository = await repositoryOfProject(ctx, project.id, req.params.repository_id as string);
    const name = req.params.tag_name as string;
    const tag = isValidTag(name) ? await findTagDetails(ctx.prisma, repository.id, name) : null;
    if (!tag) throw ApiError.notFound('Tag');
    res.json(tagDetailsJson(ctx, repository.path, tag));
  };
}

/** `DELETE .../tags/:tag_name`: deletes the tag now (its manifest goes to GC review); 200. */
export function deleteRepositoryTag(ctx: RestApiContext): RequestHandler {
  return async (req, res) => {
    const { project } = await readableProject(ctx, req, res);
    const repository = await repositoryOfProject(ctx, project.id, req.params.repository_id as string);
    requireDestroy(project);
    const name = req.params.tag_name as string;
    const deleted = isValidTag(name) && (await deleteTag(ctx.prisma, repository, name));
    if (!deleted) throw ApiError.notFound('Tag');
    res.status(200).end();
  };
}
