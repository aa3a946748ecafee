import type { Namespace, Project } from '../generated/prisma/client';
import { containerRegistryActions, type ContainerAction } from '../domain/decisions/container-registry';
import {
  mayAdministerDependencyProxy,
  mayPullThroughDependencyProxy,
} from '../domain/decisions/dependency-proxy';
import {
  mayAdministerGroupPackages,
  mayAdministerProjectPackages,
  packageAbilities,
} from '../domain/decisions/packages';
import type { DecisionDb } from '../domain/decisions/principal-role';
import type { Principal } from '../domain/principal';
import type { AuthorizeRequest, GroupAbility, ProjectAbility } from './authorize-request';

/**
 * Which of an authorize call's abilities the principal has, each decided on its target by the
 * feature's decision module. Modules that decide several abilities at once are asked once.
 */

const CONTAINER_ABILITIES: Partial<Record<ProjectAbility, ContainerAction>> = {
  read_container_image: 'pull',
  create_container_image: 'push',
  destroy_container_image: 'delete',
};
const PACKAGE_ABILITIES = new Set<ProjectAbility>(['read_package', 'create_package', 'destroy_package']);

type Decision<Target> = (prisma: DecisionDb, principal: Principal, target: Target) => Promise<boolean>;

/** Project abilities decided one at a time. */
const PROJECT_DECISIONS: Partial<Record<ProjectAbility, Decision<Project>>> = {
  admin_package: mayAdministerProjectPackages,
};
const GROUP_DECISIONS: Record<GroupAbility, Decision<Namespace>> = {
  read_dependency_proxy: mayPullThroughDependencyProxy,
  admin_dependency_proxy: mayAdministerDependencyProxy,
  admin_package: mayAdministerGroupPackages,
};

export async function grantedOnProject(
  prisma: DecisionDb,
  principal: Principal,
  abilities: AuthorizeRequest['projectAbilities'],
  project: Project,
): Promise<Set<ProjectAbility>> {
  const wants = (test: (ability: ProjectAbility) => boolean) => abilities.some(test);
  const container = wants((ability) => ability in CONTAINER_ABILITIES)
    ? await containerRegistryActions(prisma, principal, project)
    : [];
  const packages: string[] = wants((ability) => PACKAGE_ABILITIES.has(ability))
    ? await packageAbilities(prisma, principal, project)
    : [];
  const granted = new Set<ProjectAbility>();
  for (const ability of abilities) {
    const action = CONTAINER_ABILITIES[ability];
    const decide = PROJECT_DECISIONS[ability];
    if (
      (action && container.includes(action)) ||
      packages.includes(ability) ||
      (decide && (await decide(prisma, principal, project)))
    ) {
      granted.add(ability);
    }
  }
  return granted;
}

export async function grantedOnGroup(
  prisma: DecisionDb,
  principal: Principal,
  abilities: AuthorizeRequest['groupAbilities'],
  group: Namespace,
): Promise<Set<GroupAbility>> {
  const granted = new Set<GroupAbility>();
  for (const ability of abilities) {
    if (await GROUP_DECISIONS[ability](prisma, principal, group)) granted.add(ability);
  }
  return granted;
}
