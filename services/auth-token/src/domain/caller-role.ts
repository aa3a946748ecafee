import type { Namespace, PrismaClient, Project, User } from '../generated/prisma/client';
import { NO_ACCESS } from './access-level';
import { findGroup, findProject, type Ref } from './lookup';
import { accessLevelOnNamespace, accessLevelOnProject } from './membership';
import { canSeeGroup, canSeeProject } from './visibility';

type Db = Pick<PrismaClient, 'project' | 'namespace' | 'route' | '$queryRawUnsafe'>;

/**
 * The caller's standing on a project or group: `hidden` when it does not exist or the caller may
 * not see it (both answer 404, so its existence does not leak), `below` when visible but the
 * caller's role is under what the action needs (403).
 */
export type RoleCheck<T> = { kind: 'ok'; target: T; level: number } | { kind: 'hidden' } | { kind: 'below' };

export async function projectRole(
  prisma: Db,
  user: User | undefined,
  ref: Ref,
  minimum: number,
): Promise<RoleCheck<Project>> {
  const project = await findProject(prisma, ref);
  if (!project) return { kind: 'hidden' };
  const level = user ? await accessLevelOnProject(prisma, user, project) : NO_ACCESS;
  // Any role makes a project visible; without one, its visibility decides.
  if (level === NO_ACCESS && !(await canSeeProject(prisma, user, project))) return { kind: 'hidden' };
  return level >= minimum ? { kind: 'ok', target: project, level } : { kind: 'below' };
}

export async function groupRole(
  prisma: Db,
  user: User | undefined,
  ref: Ref,
  minimum: number,
): Promise<RoleCheck<Namespace>> {
  const group = await findGroup(prisma, ref);
  if (!group) return { kind: 'hidden' };
  const level = user ? await accessLevelOnNamespace(prisma, user, group.id) : NO_ACCESS;
  if (level === NO_ACCESS && !(await canSeeGroup(prisma, user, group))) return { kind: 'hidden' };
  return level >= minimum ? { kind: 'ok', target: group, level } : { kind: 'below' };
}
