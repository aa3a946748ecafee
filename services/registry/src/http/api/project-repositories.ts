import {
  booleanParam,
  optionalString,
  pageOf,
  setPaginationHeaders,
  slicePage,
  type Params,
} from '@stowage/http';
import type { RequestHandler } from 'express';
import {
  listRepositoriesOfProjects,
  REPOSITORY_DELETE_QUEUE,
  revertRepositoryDeletion,
  scheduleRepositoryDeletion,
  type RepositoryDeleteJob,
} from '@stowage/registry-data';
import { enqueueOrUndo } from './enqueue-job';
import { readableProject, requireDestroy } from './identity-access';
import { repositoryOfProject } from './project-repository';
import { filterByName, presentRepositories } from './repository-list';
import type { RestApiContext } from './rest-api-context';

/** `GET /projects/:id/registry/repositories` (`tags`, `tags_count`, `name`, pagination). */
export function listProjectRepositories(ctx: RestApiContext): RequestHandler {
  return async (req, res) => {
    const { project } = await readableProject(ctx, req, res);
    const params = req.query as Params;
    const options = { tags: booleanParam(params, 'tags'), tagsCount: booleanParam(params, 'tags_count') };
    const name = optionalString(params, 'name');
    const page = pageOf(req);
    const projects = new Map([[project.id, project]]);
    const repositories = filterByName(
      await listRepositoriesOfProjects(ctx.prisma, [project.id]),
      name,
      projects,
    );
    setPaginationHeaders(req, res, ctx.externalUrl, page, repositories.length);
    res.json(await presentRepositories(ctx, slicePage(repositories, page), projects, options));
  };
}

/**
 * `DELETE /projects/:id/registry/repositories/:repository_id`: marks it `delete_scheduled` and
 * queues the deletion for the cleanup-worker; 202. Asking again while it runs changes nothing.
 */
export function deleteProjectRepository(ctx: RestApiContext): RequestHandler {
  return async (req, res) => {
    const { project } = await readableProject(ctx, req, res);
    const repository = await repositoryOfProject(ctx, project.id, req.params.repository_id as string);
    requireDestroy(project);
    const outcome = await scheduleRepositoryDeletion(ctx.prisma, repository);
    if (outcome.scheduled) {
      const job: RepositoryDeleteJob = { repository_id: Number(repository.id) };
      await enqueueOrUndo(ctx, REPOSITORY_DELETE_QUEUE, job, () =>
        revertRepositoryDeletion(ctx.prisma, repository.id, outcome.previousStatus),
      );
    }
    res.status(202).end();
  };
}
