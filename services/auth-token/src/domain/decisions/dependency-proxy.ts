import type { Principal } from '../principal';
import type { PersonalAccessTokenScope } from '../scopes';
import { ACCESS_LEVEL } from '../access-level';
import {
  apiUser,
  deployTokenCoversGroup,
  isWithin,
  openTo,
  userLevelOnGroup,
  type DecisionDb,
  type DecisionGroup,
} from './principal-role';

/**
 * Who may pull through a group's dependency proxy (`<group>/dependency_proxy/containers/<image>`),
 * after GitLab: signed-in principals only, never anonymous ones.
 *
 * - a user who can read the group (public or internal group: any signed-in user; private: a
 *   Guest+ member), with a password or a PAT that may read the registry or the API (api,
 *   read_api, read_registry, write_registry);
 * - a group deploy token of the group or an ancestor carrying read_registry. GitLab also asks
 *   for write_registry; we do not (issue 10): the proxy fills its cache itself, so a pull through
 *   it needs only what a pull from the registry needs;
 * - a CI job token whose project lies below the group, as its user.
 */

const PAT_SCOPES: readonly PersonalAccessTokenScope[] = [
  'api',
  'read_api',
  'read_registry',
  'write_registry',
];

/** Marks a dependency proxy image in a repository name. */
const PROXY_SEGMENTS = '/dependency_proxy/containers/';

/** The group path of a dependency proxy repository name, or null when the name is not one. */
export function dependencyProxyGroupPath(name: string): string | null {
  const at = name.indexOf(PROXY_SEGMENTS);
  if (at <= 0 || at + PROXY_SEGMENTS.length >= name.length) return null;
  return name.slice(0, at);
}

async function userCanReadGroup(
  prisma: DecisionDb,
  user: Parameters<typeof userLevelOnGroup>[1],
  group: DecisionGroup,
): Promise<boolean> {
  if (user.state !== 'active') return false;
  return (
    openTo(group.visibility, true) || (await userLevelOnGroup(prisma, user, group.id)) >= ACCESS_LEVEL.guest
  );
}

/** Whether `principal` may pull images through `group`'s dependency proxy. */
export async function mayPullThroughDependencyProxy(
  prisma: DecisionDb,
  principal: Principal,
  group: DecisionGroup,
): Promise<boolean> {
  switch (principal.kind) {
    case 'anonymous':
      return false;
    case 'user':
      if (principal.scopes !== null && !principal.scopes.some((scope) => PAT_SCOPES.includes(scope)))
        return false;
      return userCanReadGroup(prisma, principal.user, group);
    case 'deploy_token': {
      const { scopes } = principal.deployToken;
      if (!scopes.includes('read_registry')) return false;
      return deployTokenCoversGroup(prisma, principal.deployToken, group.id);
    }
    case 'job_token': {
      const project = await prisma.project.findUnique({ where: { id: principal.jobToken.projectId } });
      if (!project || !(await isWithin(prisma, project.namespaceId, group.id))) return false;
      return userCanReadGroup(prisma, principal.user, group);
    }
  }
}

/**
 * Whether `principal` may manage `group`'s dependency proxy (change its settings, purge its
 * cache): GitLab's `admin_dependency_proxy`, for Owners of the group or of an ancestor, and
 * instance admins. Only credentials that may use the API count (a password, or a PAT with `api`):
 * deploy and job tokens, and read-only or registry-only PATs, never manage anything.
 */
export async function mayAdministerDependencyProxy(
  prisma: DecisionDb,
  principal: Principal,
  group: DecisionGroup,
): Promise<boolean> {
  const user = apiUser(principal);
  return user !== undefined && (await userLevelOnGroup(prisma, user, group.id)) >= ACCESS_LEVEL.owner;
}
