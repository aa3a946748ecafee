import express, { Router } from 'express';
import type { ApiContext } from './api-context';
import { apiAuthentication } from './api-principal';
import { applicationSettingsRouter } from './application-settings';
import { deployTokensRouter } from './deploy-tokens';
import { groupsRouter } from './groups';
import { jobTokensRouter } from './job-tokens';
import { membersRouter } from './members';
import { personalAccessTokensRouter } from './personal-access-tokens';
import { projectsRouter } from './projects';
import { usersRouter } from './users';

/** Largest request body the identity API reads; its requests are small JSON or form documents. */
const BODY_LIMIT = '256kb';

/** GitLab's identity REST API, mounted at `/api/v4`. */
export function apiRouter(context: ApiContext): Router {
  const router = Router();
  router.use(express.json({ limit: BODY_LIMIT }));
  router.use(express.urlencoded({ extended: true, limit: BODY_LIMIT, parameterLimit: 200 }));
  router.use(apiAuthentication(context));
  const guards = context.renameGuards;
  router.use(usersRouter(context, { renameGuard: guards?.users }));
  router.use(personalAccessTokensRouter(context));
  router.use(groupsRouter(context, { renameGuard: guards?.groups }));
  router.use(projectsRouter(context, { renameGuard: guards?.projects }));
  router.use(membersRouter(context));
  router.use(deployTokensRouter(context));
  router.use(jobTokensRouter(context));
  router.use(applicationSettingsRouter(context));
  return router;
}
