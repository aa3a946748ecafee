import type { PrismaClient } from '../../generated/prisma/client';
import { ACCESS_LEVEL, NO_ACCESS } from '../access-level';
import type { Principal } from '../principal';
import type { PersonalAccessTokenScope } from '../scopes';
import {
  deployTokenCoversProject,
  jobTokenReach,
  openTo,
  userLevelOnProject,
  type DecisionDb,
  type DecisionProject,
} from './principal-role';

/**
 * Who may pull, push and delete images of a project's container registry.
 *
 * - The project's registry access level `disabled` shuts it for everyone.
 * - pull: anyone when the level is `enabled` and the project public; any signed-in user when it
 *   is internal; otherwise (private project, or level `private`) Reporter+.
 *   push: Developer+. delete: Maintainer+.
 * - Personal access tokens cap that by scope; a password does not.
 * - Deploy tokens (the project's own, or a group token of an ancestor group) act by scope alone.
 * - A CI job token acts as its user on its own project, may only pull (if its user could) on a
 *   project that accepts its project's tokens, and elsewhere has what anonymous clients have.
 */

export const CONTAINER_ACTIONS = ['pull', 'push', 'delete'] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];

const PAT_SCOPE_ALLOWS: Record<PersonalAccessTokenScope, readonly ContainerAction[]> = {
  api: CONTAINER_ACTIONS,
  read_api: ['pull'],
  read_registry: ['pull'],
  write_registry: ['pull', 'push'],
  read_user: [],
};

/** Scopes of a PAT that may list the whole registry (with an admin user behind it). */
const CATALOG_SCOPES: readonly PersonalAccessTokenScope[] = ['api', 'read_api', 'read_registry'];

/** What an access level grants on the project's registry, before any token's cap. */
export function containerActionsForLevel(
  project: DecisionProject,
  level: number,
  signedIn: boolean,
): ContainerAction[] {
  const registry = project.containerRegistryAccessLevel;
  // Anything but the two open levels (disabled, or a value we do not know) grants nothing.
  if (registry !== 'enabled' && registry !== 'private') return [];
  const actions: ContainerAction[] = [];
  if (level >= ACCESS_LEVEL.reporter || (registry === 'enabled' && openTo(project.visibility, signedIn))) {
    actions.push('pull');
  }
  if (level >= ACCESS_LEVEL.developer) actions.push('push');
  if (level >= ACCESS_LEVEL.maintainer) actions.push('delete');
  return actions;
}

function capByScopes(
  actions: ContainerAction[],
  scopes: PersonalAccessTokenScope[] | null,
): ContainerAction[] {
  if (scopes === null) return actions;
  return actions.filter((action) => scopes.some((scope) => PAT_SCOPE_ALLOWS[scope].includes(action)));
}

/**
 * The container registry actions `principal` may take on `project`. Signing in never takes away
 * what anonymous clients have: a deploy or job token (or a `read_user` token) can still pull a
 * public project's images, as on GitLab, so CI jobs that log in keep pulling public images.
 */
export async function containerRegistryActions(
  prisma: DecisionDb,
  principal: Principal,
  project: DecisionProject,
): Promise<ContainerAction[]> {
  const own = await actionsOf(prisma, principal, project);
  const anonymous = containerActionsForLevel(project, NO_ACCESS, false);
  return CONTAINER_ACTIONS.filter((action) => own.includes(action) || anonymous.includes(action));
}

async function actionsOf(
  prisma: DecisionDb,
  principal: Principal,
  project: DecisionProject,
): Promise<ContainerAction[]> {
  if (project.containerRegistryAccessLevel === 'disabled') return [];
  switch (principal.kind) {
    case 'anonymous':
      return containerActionsForLevel(project, NO_ACCESS, false);
    case 'user': {
      // Blocked users cannot sign in; this keeps a principal resolved earlier from acting either.
      if (principal.user.state !== 'active') return [];
      const level = await userLevelOnProject(prisma, principal.user, project);
      return capByScopes(containerActionsForLevel(project, level, true), principal.scopes);
    }
    case 'deploy_token': {
      if (!(await deployTokenCoversProject(prisma, principal.deployToken, project))) return [];
      const { scopes } = principal.deployToken;
      return CONTAINER_ACTIONS.filter(
        (action) =>
          (action === 'pull' && scopes.includes('read_registry')) ||
          (action === 'push' && scopes.includes('write_registry')),
      );
    }
    case 'job_token': {
      const reach = await jobTokenReach(prisma, principal.jobToken, project);
      if (reach === 'none' || principal.user.state !== 'active') return [];
      const level = await userLevelOnProject(prisma, principal.user, project);
      const actions = containerActionsForLevel(project, level, true);
      return reach === 'own' ? actions : actions.filter((action) => action === 'pull');
    }
  }
}

/** `registry:catalog:*`: admins only, signed in with a password or a PAT that may read the registry. */
export function mayListCatalog(principal: Principal): boolean {
  if (principal.kind !== 'user' || !principal.user.admin || principal.user.state !== 'active') return false;
  return principal.scopes === null || principal.scopes.some((scope) => CATALOG_SCOPES.includes(scope));
}

/** Most segments a repository name may have below its project's path (`group/project/a/b/c`). */
export const MAX_REPOSITORY_DEPTH = 3;

/**
 * The project a repository name belongs to: the longest prefix of the name's segments that is a
 * project's full path (regardless of case), at most MAX_REPOSITORY_DEPTH segments short of the name.
 */
export async function projectForRepository(
  prisma: Pick<PrismaClient, 'route'>,
  name: string,
): Promise<DecisionProject | null> {
  const segments = name.toLowerCase().split('/');
  const candidates: string[] = [];
  // A project path has a namespace and a project: at least two segments.
  for (
    let length = segments.length;
    length >= Math.max(2, segments.length - MAX_REPOSITORY_DEPTH);
    length--
  ) {
    candidates.push(segments.slice(0, length).join('/'));
  }
  if (candidates.length === 0) return null;
  const routes = await prisma.route.findMany({
    where: { pathKey: { in: candidates }, projectId: { not: null } },
    include: { project: true },
  });
  const longest = routes.sort((a, b) => b.pathKey.length - a.pathKey.length)[0];
  return longest?.project ?? null;
}
