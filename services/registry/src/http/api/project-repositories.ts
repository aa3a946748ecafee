import type { RequestHandler } from 'express';
import {
  REPOSITORY_DELETE_QUEUE,
  revertRepositoryDeletion,
  scheduleRepositoryDeletion,
  type RepositoryDeleteJob,
} from '@stowage/registry-data';
import { enqueueOrUndo } from './enqueue-job';
import { readableProject, requireDestroy } from './identity-access';
import { repositoryOfProject } from './project-repository';
import { repositoryListParams, sendRepositoryPage } from './repository-list';
import type { RestApiContext } from './rest-api-context';

/**
 * `GET /projects/:id/registry/repositories` (`tags`, `tags_count`, `size`, `name`, `order_by`,
 * `sort`, pagination).
 */
export function listProjectRepositories(ctx: RestApiContext): RequestHandler {
  return async (req, res) => {
    const params = repositoryListParams(req);
    const { project } = await readableProject(ctx, req, res);
    await sendRepositoryPage(ctx, req, res, new Map([[project.id, project]]), params);
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
