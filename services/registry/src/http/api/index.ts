import express, { Router } from 'express';
import { bulkDeleteTags } from './bulk-tag-deletion';
import { previewCleanupPolicy } from './cleanup-policy-preview';
import { runCleanupPolicyNow } from './cleanup-policy-run';
import { listGroupRepositories } from './group-repositories';
import { deleteProjectRepository, listProjectRepositories } from './project-repositories';
import { getRepository } from './repository-details';
import { deleteRepositoryTag, getRepositoryTag, listRepositoryTags } from './repository-tags';
import type { RestApiContext } from './rest-api-context';

/** Bulk deletion parameters are a few short strings. */
const BODY_LIMIT = '16kb';

/** GitLab's container registry REST API (`/api/v4/...registry/repositories...`). */
export function registryRestApi(context: RestApiContext): Router {
  const router = Router();
  const project = '/projects/:id/registry/repositories';
  router.get(project, listProjectRepositories(context));
  router.delete(`${project}/:repository_id`, deleteProjectRepository(context));
  router.get(`${project}/:repository_id/tags`, listRepositoryTags(context));
  router.delete(
    `${project}/:repository_id/tags`,
    express.json({ limit: BODY_LIMIT }),
    express.urlencoded({ extended: false, limit: BODY_LIMIT }),
    bulkDeleteTags(context),
  );
  router.get(`${project}/:repository_id/tags/:tag_name`, getRepositoryTag(context));
  router.delete(`${project}/:repository_id/tags/:tag_name`, deleteRepositoryTag(context));
  router.get('/projects/:id/registry/cleanup_policy/preview', previewCleanupPolicy(context));
  router.post('/projects/:id/registry/cleanup_policy/run', runCleanupPolicyNow(context));
  router.get('/groups/:id/registry/repositories', listGroupRepositories(context));
  router.get('/registry/repositories/:id', getRepository(context));
  return router;
}
