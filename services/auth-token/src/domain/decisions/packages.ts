import { ACCESS_LEVEL, NO_ACCESS } from '../access-level';
import type { Principal } from '../principal';
import type { PersonalAccessTokenScope } from '../scopes';
import {
  apiUser,
  deployTokenCoversProject,
  jobTokenReach,
  openTo,
  userLevelOnGroup,
  userLevelOnProject,
  type DecisionDb,
  type DecisionGroup,
  type DecisionProject,
} from './principal-role';

/**
 * Who may read, publish and delete a project's packages.
 *
 * - The project's package registry access level `disabled` shuts it for everyone.
 * - read: level `public` ("allow anyone to pull", honoured only while the instance setting allows
 *   it; otherwise it counts as `enabled`) → anyone; `enabled` → anyone on a public project, any
 *   signed-in user on an internal one, else Reporter+; `private` → Reporter+.
 *   create: Developer+. destroy: Maintainer+.
 * - Personal access tokens: `api` → everything the user may, `read_api` → read; other scopes
 *   (registry and user ones) do not reach packages. A password does not cap.
 * - Deploy tokens (the project's own or an ancestor group's) act by scope alone, as GitLab's
 *   project policy has it: read_package_registry → read; write_package_registry → read, create
 *   and destroy (GitLab lets a write token read what it publishes and delete it, e.g. npm
 *   unpublish and dist-tag removal).
 * - CI job tokens: their own project as their user; a project accepting their project's tokens,
 *   read only (if their user could read); elsewhere what anonymous clients have.
 */

export const PACKAGE_ABILITIES = ['read_package', 'create_package', 'destroy_package'] as const;
export type PackageAbility = (typeof PACKAGE_ABILITIES)[number];

const PAT_SCOPE_ALLOWS: Record<PersonalAccessTokenScope, readonly PackageAbility[]> = {
  api: PACKAGE_ABILITIES,
  read_api: ['read_package'],
  read_registry: [],
  write_registry: [],
  read_user: [],
};

/** The instance setting that lets projects open their packages to anyone ("allow anyone to pull"). */
export async function anyoneMayPullOptionAllowed(
  prisma: Pick<DecisionDb, 'applicationSetting'>,
): Promise<boolean> {
  const settings = await prisma.applicationSetting.findUnique({ where: { id: 1 } });
  return settings?.packageRegistryAllowAnyoneToPullOption ?? true;
}

/** Whether the project's package registry is on (a level we do not know counts as off). */
const registryOn = (project: DecisionProject) =>
  ['public', 'private', 'enabled'].includes(project.packageRegistryAccessLevel);

/** What an access level grants on the project's packages, before any token's cap. */
export function packageAbilitiesForLevel(
  project: DecisionProject,
  level: number,
  signedIn: boolean,
  anyoneMayPullAllowed: boolean,
): PackageAbility[] {
  if (!registryOn(project)) return [];
  const registry = project.packageRegistryAccessLevel;
  const effective = registry === 'public' && !anyoneMayPullAllowed ? 'enabled' : registry;
  const abilities: PackageAbility[] = [];
  if (
    effective === 'public' ||
    level >= ACCESS_LEVEL.reporter ||
    (effective === 'enabled' && openTo(project.visibility, signedIn))
  ) {
    abilities.push('read_package');
  }
  if (level >= ACCESS_LEVEL.developer) abilities.push('create_package');
  if (level >= ACCESS_LEVEL.maintainer) abilities.push('destroy_package');
  return abilities;
}

/**
 * The package abilities `principal` has on `project`. As for images, signing in never takes away
 * what anonymous clients have: any token may read packages that are open to everyone.
 */
export async function packageAbilities(
  prisma: DecisionDb,
  principal: Principal,
  project: DecisionProject,
): Promise<PackageAbility[]> {
  if (project.packageRegistryAccessLevel === 'disabled') return [];
  const anyone = await anyoneMayPullOptionAllowed(prisma);
  const own = await abilitiesOf(prisma, principal, project, anyone);
  const anonymous = packageAbilitiesForLevel(project, NO_ACCESS, false, anyone);
  return PACKAGE_ABILITIES.filter((ability) => own.includes(ability) || anonymous.includes(ability));
}

async function abilitiesOf(
  prisma: DecisionDb,
  principal: Principal,
  project: DecisionProject,
  anyone: boolean,
): Promise<PackageAbility[]> {
  switch (principal.kind) {
    case 'anonymous':
      return packageAbilitiesForLevel(project, NO_ACCESS, false, anyone);
    case 'user': {
      if (principal.user.state !== 'active') return [];
      const level = await userLevelOnProject(prisma, principal.user, project);
      const abilities = packageAbilitiesForLevel(project, level, true, anyone);
      const { scopes } = principal;
      if (scopes === null) return abilities;
      return abilities.filter((ability) => scopes.some((scope) => PAT_SCOPE_ALLOWS[scope].includes(ability)));
    }
    case 'deploy_token': {
      if (!(await deployTokenCoversProject(prisma, principal.deployToken, project))) return [];
      const { scopes } = principal.deployToken;
      if (scopes.includes('write_package_registry')) return [...PACKAGE_ABILITIES];
      return scopes.includes('read_package_registry') ? ['read_package'] : [];
    }
    case 'job_token': {
      const reach = await jobTokenReach(prisma, principal.jobToken, project);
      if (reach === 'none' || principal.user.state !== 'active') return [];
      const level = await userLevelOnProject(prisma, principal.user, project);
      const abilities = packageAbilitiesForLevel(project, level, true, anyone);
      return reach === 'own' ? abilities : abilities.filter((ability) => ability === 'read_package');
    }
  }
}

/**
 * `admin_package` on a project (GitLab's, for Maintainers): manage its package protection rules
 * and its package cleanup policy. Settings are managed through the API, so only a password or a
 * PAT with `api` counts; nothing is managed while the project's package registry is off.
 */
export async function mayAdministerProjectPackages(
  prisma: DecisionDb,
  principal: Principal,
  project: DecisionProject,
): Promise<boolean> {
  const user = apiUser(principal);
  if (!user || !registryOn(project)) return false;
  return (await userLevelOnProject(prisma, user, project)) >= ACCESS_LEVEL.maintainer;
}

/**
 * `admin_package` on a group: change its namespace package settings (duplicates), which its
 * subgroups and projects inherit. Owners of the group or an ancestor, and admins; a password or
 * a PAT with `api` only.
 */
export async function mayAdministerGroupPackages(
  prisma: DecisionDb,
  principal: Principal,
  group: DecisionGroup,
): Promise<boolean> {
  const user = apiUser(principal);
  return user !== undefined && (await userLevelOnGroup(prisma, user, group.id)) >= ACCESS_LEVEL.owner;
}
