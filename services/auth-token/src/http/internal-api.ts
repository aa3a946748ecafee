import express, { Router } from 'express';
import { ApiError, requireInternalSecret } from '@stowage/http';
import type { Namespace, Project } from '../generated/prisma/client';
import { containerRegistryActions, type ContainerAction } from '../domain/decisions/container-registry';
import {
  mayAdministerDependencyProxy,
  mayPullThroughDependencyProxy,
} from '../domain/decisions/dependency-proxy';
import { packageAbilities } from '../domain/decisions/packages';
import { maySeeGroup, maySeeProject } from '../domain/decisions/visibility';
import { findGroup, findProject } from '../domain/lookup';
import { ANONYMOUS, type Principal } from '../domain/principal';
import type { ApiContext } from './api/api-context';
import {
  isGroupAbility,
  parseAuthorizeRequest,
  type Ability,
  type AuthorizeRequest,
  type GroupAbility,
} from './authorize-request';
import { cleanupSettingsRouter } from './internal-cleanup-settings';
import { signIn } from './sign-in';

/** Authorize calls carry a few short strings. */
const BODY_LIMIT = '16kb';

const CONTAINER_ABILITIES: Partial<Record<Ability, ContainerAction>> = {
  read_container_image: 'pull',
  create_container_image: 'push',
  destroy_container_image: 'delete',
};
const PACKAGE_ABILITIES = new Set<Ability>(['read_package', 'create_package', 'destroy_package']);
type GroupDecision = (
  prisma: ApiContext['prisma'],
  principal: Principal,
  group: Namespace,
) => Promise<boolean>;
const GROUP_DECISIONS: Record<GroupAbility, GroupDecision> = {
  read_dependency_proxy: mayPullThroughDependencyProxy,
  admin_dependency_proxy: mayAdministerDependencyProxy,
};

function principalJson(principal: Principal): Record<string, unknown> {
  switch (principal.kind) {
    case 'anonymous':
      return { kind: 'anonymous' };
    case 'user':
      return {
        kind: 'user',
        user_id: principal.user.id,
        username: principal.user.username,
        admin: principal.user.admin,
        credential: principal.credential,
      };
    case 'deploy_token':
      return {
        kind: 'deploy_token',
        deploy_token_id: principal.deployToken.id,
        username: principal.deployToken.username,
        credential: principal.credential,
      };
    case 'job_token':
      return {
        kind: 'job_token',
        user_id: principal.user.id,
        username: principal.user.username,
        project_id: principal.jobToken.projectId,
        credential: principal.credential,
      };
  }
}

/** The requested abilities `principal` has on the project and group (each null when absent). */
async function grantedAbilities(
  context: ApiContext,
  principal: Principal,
  request: AuthorizeRequest,
  project: Project | null,
  group: Namespace | null,
): Promise<Ability[]> {
  const { prisma } = context;
  const wants = (test: (ability: Ability) => boolean) => request.abilities.some(test);
  const container =
    project && wants((ability) => ability in CONTAINER_ABILITIES)
      ? await containerRegistryActions(prisma, principal, project)
      : [];
  const packages =
    project && wants((ability) => PACKAGE_ABILITIES.has(ability))
      ? await packageAbilities(prisma, principal, project)
      : [];
  const groupGranted = new Set<GroupAbility>();
  for (const ability of request.abilities) {
    if (group && isGroupAbility(ability) && (await GROUP_DECISIONS[ability](prisma, principal, group))) {
      groupGranted.add(ability);
    }
  }
  return request.abilities.filter((ability) => {
    const action = CONTAINER_ABILITIES[ability];
    if (action) return container.includes(action);
    if (PACKAGE_ABILITIES.has(ability)) return (packages as string[]).includes(ability);
    return isGroupAbility(ability) && groupGranted.has(ability);
  });
}

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
      principal = result.principal;
    }

    const { prisma } = context;
    const project = request.project === null ? null : await findProject(prisma, request.project);
    const group = request.group === null ? null : await findGroup(prisma, request.group);
    const granted = await grantedAbilities(context, principal, request, project, group);
    // Packages opened to anyone are readable on a project the principal cannot otherwise see.
    const projectShown =
      project !== null &&
      (granted.some((ability) => !isGroupAbility(ability)) ||
        (await maySeeProject(prisma, principal, project)));
    const groupShown =
      group !== null && (granted.some(isGroupAbility) || (await maySeeGroup(prisma, principal, group)));

    res.setHeader('Cache-Control', 'no-store');
    res.json({
      principal: principalJson(principal),
      project: projectShown
        ? { id: project.id, full_path: project.fullPath, visibility: project.visibility }
        : null,
      // Visibility lets the dependency proxy open a public group to anonymous pulls.
      group: groupShown ? { id: group.id, full_path: group.fullPath, visibility: group.visibility } : null,
      granted,
    });
  });
  return router;
}
