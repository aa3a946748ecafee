import express, { Router } from 'express';
import { ApiError, requireInternalSecret } from '@stowage/http';
import { principalLevelOnProject } from '../domain/decisions/principal-role';
import { maySeeGroup, maySeeProject } from '../domain/decisions/visibility';
import { findGroup, findProject } from '../domain/lookup';
import { ANONYMOUS, type Principal } from '../domain/principal';
import type { ApiContext } from './api/api-context';
import { grantedOnGroup, grantedOnProject } from './authorize-decisions';
import { groupJson, principalJson, projectJson } from './authorize-presenters';
import { parseAuthorizeRequest } from './authorize-request';
import { cleanupSettingsRouter } from './internal-cleanup-settings';
import { signIn } from './sign-in';

/** Authorize calls carry a few short strings. */
const BODY_LIMIT = '16kb';

/**
 * `/internal/v1`: what other services ask auth-token. `POST /authorize` resolves a client's
 * credentials to a principal and decides the abilities it asks about on a project or group.
 * A project or group the principal may not see answers as null, exactly as one that does not
 * exist, so the caller can answer "not found" without learning more.
 */
export function internalApiRouter(context: ApiContext): Router {
  const router = Router();
  router.use(requireInternalSecret(context.internalApiSecret));
  router.use(cleanupSettingsRouter(context));
  router.post('/authorize', express.json({ limit: BODY_LIMIT }), async (req, res) => {
    const request = parseAuthorizeRequest(req.body);

    let principal: Principal = ANONYMOUS;
    if (request.credentials) {
      const result = await signIn(
        context,
        req.log,
        request.credentials,
        request.clientIp,
        'internal_authorize',
      );
      if (result.outcome === 'throttled') {
        res.setHeader('Retry-After', String(result.retryAfterSeconds));
        throw new ApiError(429, { message: '429 Too Many Requests' });
      }
      if (result.outcome === 'failed') throw ApiError.unauthorized();
      if (result.outcome === 'signed_in') principal = result.principal;
    }

    const { prisma } = context;
    const project = request.project === null ? null : await findProject(prisma, request.project);
    const group = request.group === null ? null : await findGroup(prisma, request.group);
    const onProject: ReadonlySet<string> = project
      ? await grantedOnProject(prisma, principal, request.projectAbilities, project)
      : new Set<string>();
    const onGroup: ReadonlySet<string> = group
      ? await grantedOnGroup(prisma, principal, request.groupAbilities, group)
      : new Set<string>();
    // Packages opened to anyone are readable on a project the principal cannot otherwise see.
    const projectShown =
      project !== null && (onProject.size > 0 || (await maySeeProject(prisma, principal, project)));
    const groupShown = group !== null && (onGroup.size > 0 || (await maySeeGroup(prisma, principal, group)));

    res.setHeader('Cache-Control', 'no-store');
    res.json({
      principal: principalJson(principal),
      project: projectShown
        ? projectJson(project, await principalLevelOnProject(prisma, principal, project))
        : null,
      group: groupShown ? groupJson(group) : null,
      // In the order asked; an ability asked on a target that is absent is not granted.
      granted: request.abilities.filter((ability) =>
        (request.projectAbilities as string[]).includes(ability)
          ? onProject.has(ability)
          : onGroup.has(ability),
      ),
    });
  });
  return router;
}
