import type {
  DeployToken,
  JobToken,
  Namespace,
  PrismaClient,
  Project,
  User,
} from '../../generated/prisma/client';
import { NO_ACCESS } from '../access-level';
import { accessLevelOnNamespace, accessLevelOnProject, namespaceChain } from '../membership';
import type { Principal } from '../principal';

/**
 * What the decision modules share: a principal's standing on a project or group, independent of
 * any one feature. Each feature module then applies its own rules on top.
 */

export type DecisionDb = Pick<
  PrismaClient,
  '$queryRawUnsafe' | 'project' | 'namespace' | 'route' | 'jobTokenScopeLink' | 'applicationSetting'
>;

export type Visibility = 'public' | 'internal' | 'private';

/** The project fields decisions read. */
export type DecisionProject = Pick<
  Project,
  | 'id'
  | 'namespaceId'
  | 'fullPath'
  | 'visibility'
  | 'containerRegistryAccessLevel'
  | 'packageRegistryAccessLevel'
  | 'jobTokenScopeEnabled'
>;

export type DecisionGroup = Pick<Namespace, 'id' | 'fullPath' | 'visibility'>;

const isActive = (user: Pick<User, 'state'>) => user.state === 'active';

/** Whether something of this visibility is open to the caller without any membership. */
export function openTo(visibility: string, signedIn: boolean): boolean {
  return visibility === 'public' || (visibility === 'internal' && signedIn);
}

/** A user's access level on a project; blocked users have none. */
export async function userLevelOnProject(
  prisma: DecisionDb,
  user: Pick<User, 'id' | 'admin' | 'state'>,
  project: Pick<Project, 'id' | 'namespaceId'>,
): Promise<number> {
  return isActive(user) ? accessLevelOnProject(prisma, user, project) : NO_ACCESS;
}

/** A user's access level on a group (its own and its ancestors' memberships); blocked users have none. */
export async function userLevelOnGroup(
  prisma: DecisionDb,
  user: Pick<User, 'id' | 'admin' | 'state'>,
  groupId: number,
): Promise<number> {
  return isActive(user) ? accessLevelOnNamespace(prisma, user, groupId) : NO_ACCESS;
}

/**
 * The role a principal acts with on a project, as GitLab's numbers (0 for none): a user's own
 * (admins count as Owner), a job token's user's on the token's own project. Deploy tokens and
 * anonymous clients have none, and so has a job token elsewhere: it may only read there.
 * Token scopes do not lower the role; they cap what it is used for.
 */
export async function principalLevelOnProject(
  prisma: DecisionDb,
  principal: Principal,
  project: Pick<Project, 'id' | 'namespaceId'>,
): Promise<number> {
  switch (principal.kind) {
    case 'user':
      return userLevelOnProject(prisma, principal.user, project);
    case 'job_token':
      return principal.jobToken.projectId === project.id
        ? userLevelOnProject(prisma, principal.user, project)
        : NO_ACCESS;
    default:
      return NO_ACCESS;
  }
}

/**
 * The user behind credentials that may use the whole API (a password, or a PAT with `api`),
 * which is what managing settings takes; undefined for any other principal.
 */
export function apiUser(principal: Principal): User | undefined {
  if (principal.kind !== 'user') return undefined;
  return principal.scopes === null || principal.scopes.includes('api') ? principal.user : undefined;
}

/** Whether `namespaceId` is `ancestorId` or lies below it. */
export async function isWithin(
  prisma: DecisionDb,
  namespaceId: number,
  ancestorId: number,
): Promise<boolean> {
  return (await namespaceChain(prisma, namespaceId)).includes(ancestorId);
}

/** A deploy token works on its own project and, for a group token, on every project below its group. */
export async function deployTokenCoversProject(
  prisma: DecisionDb,
  token: Pick<DeployToken, 'projectId' | 'namespaceId'>,
  project: Pick<Project, 'id' | 'namespaceId'>,
): Promise<boolean> {
  if (token.projectId !== null) return token.projectId === project.id;
  return token.namespaceId !== null && isWithin(prisma, project.namespaceId, token.namespaceId);
}

/** A group deploy token works on its group and every group below it; a project token on none. */
export async function deployTokenCoversGroup(
  prisma: DecisionDb,
  token: Pick<DeployToken, 'namespaceId'>,
  groupId: number,
): Promise<boolean> {
  return token.namespaceId !== null && isWithin(prisma, groupId, token.namespaceId);
}

/**
 * How far a CI job token reaches into a project: its own project fully (as its user), a project
 * that accepts its project's tokens (GitLab's inbound allowlist, or no allowlist at all) partly,
 * any other project not at all.
 */
export type JobTokenReach = 'own' | 'allowed' | 'none';

export async function jobTokenReach(
  prisma: DecisionDb,
  jobToken: Pick<JobToken, 'projectId'>,
  project: Pick<Project, 'id' | 'jobTokenScopeEnabled'>,
): Promise<JobTokenReach> {
  if (jobToken.projectId === project.id) return 'own';
  if (!project.jobTokenScopeEnabled) return 'allowed';
  const link = await prisma.jobTokenScopeLink.findUnique({
    where: {
      targetProjectId_sourceProjectId: { targetProjectId: project.id, sourceProjectId: jobToken.projectId },
    },
  });
  return link ? 'allowed' : 'none';
}
