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

async function containerRegistryAccess(
  prisma: DecisionDb,
  principal: Principal,
  scopes: RegistryScope[],
): Promise<AccessEntry[]> {
  const projectOf = memo((name: string) => projectForRepository(prisma, name));
  const allowedOn = memo((_projectId: string, project: DecisionProject) =>
    containerRegistryActions(prisma, principal, project),
  );
  const entries: AccessEntry[] = [];
  for (const scope of scopes) {
    if (scope.type === 'registry') {
      if (mayListCatalog(principal)) entries.push({ type: 'registry', name: 'catalog', actions: ['*'] });
      continue;
    }
    const project = await projectOf(scope.name);
    if (!project) continue;
    const allowed = await allowedOn(String(project.id), project);
    const actions = grantedActions(scope.actions, allowed);
    if (actions.length === 0) continue;
    entries.push({
      type: 'repository',
      name: scope.name,
      actions,
      meta: { project_id: project.id, project_path: project.fullPath },
    });
  }
  return entries;
}

async function dependencyProxyAccess(
  prisma: DecisionDb,
  principal: Principal,
  scopes: RegistryScope[],
): Promise<AccessEntry[]> {
  const mayPullFrom = memo(async (groupPath: string) => {
    const group = await findGroup(prisma, groupPath);
    return group !== null && (await mayPullThroughDependencyProxy(prisma, principal, group));
  });
  const entries: AccessEntry[] = [];
  for (const scope of scopes) {
    if (scope.type !== 'repository' || !scope.actions.includes('pull')) continue;
    const groupPath = dependencyProxyGroupPath(scope.name);
    if (groupPath === null || !(await mayPullFrom(groupPath))) continue;
    // The proxy only serves pulls; `*` would need push and delete too.
    entries.push({ type: 'repository', name: scope.name, actions: ['pull'] });
  }
  return entries;
}

/**
 * The `access` claim of a registry token: for each requested scope, the actions granted, with
 * scopes that grant nothing left out (Docker's token spec: the token carries only what was granted).
 */
export function registryAccess(
  prisma: DecisionDb,
  principal: Principal,
  service: RegistryService,
  scopes: RegistryScope[],
): Promise<AccessEntry[]> {
  return service === 'container_registry'
    ? containerRegistryAccess(prisma, principal, scopes)
    : dependencyProxyAccess(prisma, principal, scopes);
}
