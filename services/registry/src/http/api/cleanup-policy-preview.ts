import type { RequestHandler } from 'express';
import { evaluateCleanupPolicy, findCleanupPolicy } from '@stowage/registry-data';
import { readableProject } from './identity-access';
import { repositoryName } from './repository-json';
import type { RestApiContext } from './rest-api-context';

/**
 * `GET /projects/:id/registry/cleanup_policy/preview` (beyond GitLab): for each repository of
 * the project, the tags a run of its saved policy would delete if it ran now, oldest first,
 * whether or not the policy is enabled. Changes nothing, so any reader of the registry may ask.
 * A run deletes at most the configured number of tags; the next runs delete the rest.
 */
export function previewCleanupPolicy(ctx: RestApiContext): RequestHandler {
  return async (req, res) => {
    const { project } = await readableProject(ctx, req, res);
    const policy = await findCleanupPolicy(ctx.prisma, project.id);
    const cleanups = await evaluateCleanupPolicy(ctx.prisma, project.id, policy, new Date());
    res.setHeader('Cache-Control', 'no-store');
    res.json(
      cleanups.map(({ repository, tags }) => ({
        repository_id: Number(repository.id),
        name: repositoryName(repository, project.fullPath),
        path: repository.path,
        tags_to_delete_count: tags.length,
        tags_to_delete: tags,
      })),
    );
  };
}
