import type { AccessEntry } from '@stowage/auth';
import { findGroup } from '../lookup';
import type { Principal } from '../principal';
import type { RegistryScope, RepositoryAction } from '../registry-scopes';
import {
  CONTAINER_ACTIONS,
  containerRegistryActions,
  mayListCatalog,
  projectForRepository,
} from './container-registry';
import { dependencyProxyGroupPath, mayPullThroughDependencyProxy } from './dependency-proxy';
import type { DecisionDb, DecisionProject } from './principal-role';

/** The services `/jwt/auth` issues tokens for; the token's audience is the service's name. */
export const REGISTRY_SERVICES = ['container_registry', 'dependency_proxy'] as const;
export type RegistryService = (typeof REGISTRY_SERVICES)[number];

export function isRegistryService(value: unknown): value is RegistryService {
  return (REGISTRY_SERVICES as readonly unknown[]).includes(value);
}

/** The requested actions that `allowed` covers; `*` only when every action is allowed. */
function grantedActions(requested: RepositoryAction[], allowed: readonly string[]): RepositoryAction[] {
  return requested.filter((action) =>
    action === '*' ? CONTAINER_ACTIONS.every((each) => allowed.includes(each)) : allowed.includes(action),
  );
}

/** Caches by key for one request, so several scopes on one project or group cost one decision. */
function memo<T, A extends unknown[]>(
  compute: (key: string, ...args: A) => Promise<T>,
): (key: string, ...args: A) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (key, ...args) => {
    let value = cache.get(key);
    if (!value) {
      value = compute(key, ...args);
      cache.set(key, value);
    }
    return value;
  };
}

/** The entry a scope earns, or null when it grants nothing. */
type ScopeDecision = (scope: RegistryScope) => Promise<AccessEntry | null>;

function containerRegistryDecision(prisma: DecisionDb, principal: Principal): ScopeDecision {
  const projectOf = memo((name: string) => projectForRepository(prisma, name));
  const allowedOn = memo((_projectId: string, project: DecisionProject) =>
    containerRegistryActions(prisma, principal, project),
  );
  return async (scope) => {
    if (scope.type === 'registry') {
      return mayListCatalog(principal) ? { type: 'registry', name: 'catalog', actions: ['*'] } : null;
    }
    const project = await projectOf(scope.name);
    if (!project) return null;
    const actions = grantedActions(scope.actions, await allowedOn(String(project.id), project));
    if (actions.length === 0) return null;
    return {
      type: 'repository',
      name: scope.name,
      actions,
      meta: { project_id: project.id, project_path: project.fullPath },
    };
  };
}

function dependencyProxyDecision(prisma: DecisionDb, principal: Principal): ScopeDecision {
  const groupPulledFrom = memo(async (groupPath: string) => {
    const group = await findGroup(prisma, groupPath);
    return group !== null && (await mayPullThroughDependencyProxy(prisma, principal, group)) ? group : null;
  });
  return async (scope) => {
    if (scope.type !== 'repository' || !scope.actions.includes('pull')) return null;
    const groupPath = dependencyProxyGroupPath(scope.name);
    const group = groupPath === null ? null : await groupPulledFrom(groupPath);
    if (!group) return null;
    // The proxy only serves pulls; `*` would need push and delete too.
    return {
      type: 'repository',
      name: scope.name,
      actions: ['pull'],
      meta: { group_id: group.id, group_path: group.fullPath },
    };
  };
}

const isDependencyProxyScope = (scope: RegistryScope) =>
  scope.type === 'repository' && dependencyProxyGroupPath(scope.name) !== null;

/**
 * The `access` claim of a registry token: for each requested scope, the actions granted, with
 * scopes that grant nothing left out (Docker's token spec: the token carries only what was granted).
 *
 * Dependency proxy names are decided by the proxy's rules whichever service is asked: docker and
 * skopeo take the challenge of their `/v2/` ping, which the registry answers as
 * `container_registry`, and reuse it for every image on the host, proxied ones included. That
 * takes nothing from the registry: `dependency_proxy` is a reserved path segment, so no project's
 * repository can have such a name. Other names are the registry's, and only its service grants them.
 */
export async function registryAccess(
  prisma: DecisionDb,
  principal: Principal,
  service: RegistryService,
  scopes: RegistryScope[],
): Promise<AccessEntry[]> {
  const proxy = dependencyProxyDecision(prisma, principal);
  const registry = service === 'container_registry' ? containerRegistryDecision(prisma, principal) : null;
  const entries: AccessEntry[] = [];
  for (const scope of scopes) {
    const decide = isDependencyProxyScope(scope) ? proxy : registry;
    const entry = decide && (await decide(scope));
    if (entry) entries.push(entry);
  }
  return entries;
}
