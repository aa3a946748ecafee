import express, { Router } from 'express';
import { projectsWithTags, type PrismaClient } from '@stowage/registry-data';
import { parseTagsPresentRequest } from './tags-present-request';

/** MAX_PROJECT_IDS ids of ten digits with separators fit several times over. */
const BODY_LIMIT = '64kb';

/**
 * `POST /projects/tags-present` `{"project_ids":[1,2]}` answers `{"project_ids_with_tags":[2]}`:
 * which of the projects hold at least one tag. auth-token asks before a project's full path
 * changes, since the registry does not move images and GitLab refuses such a move.
 */
export function tagsPresentRouter(prisma: PrismaClient): Router {
  const router = Router();
  router.post('/projects/tags-present', express.json({ limit: BODY_LIMIT }), async (req, res) => {
    const projectIds = parseTagsPresentRequest(req.body);
    const withTags = await projectsWithTags(prisma, projectIds);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ project_ids_with_tags: withTags.sort((a, b) => a - b) });
  });
  return router;
}
