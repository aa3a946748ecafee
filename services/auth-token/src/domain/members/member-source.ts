import type { Namespace, Prisma, PrismaClient, Project, User } from '../../generated/prisma/client';
import { lockForUpdate } from '../groups/group-tree';
import { accessLevelOnNamespace, accessLevelOnProject } from '../membership';
import { lockProject } from '../projects/update-project';
import { RuleViolation } from '../rule-violation';

/** What members belong to: a project or a group. */
export type MemberSource = { kind: 'project'; project: Project } | { kind: 'group'; group: Namespace };

/** The member rows' foreign key for a source. */
export function sourceKey(source: MemberSource): { projectId: number } | { namespaceId: number } {
  return source.kind === 'project' ? { projectId: source.project.id } : { namespaceId: source.group.id };
}

/** The namespace whose chain a source inherits roles from (the group itself for groups). */
export function sourceNamespaceId(source: MemberSource): number {
  return source.kind === 'project' ? source.project.namespaceId : source.group.id;
}

/** A user's effective level on the source (inherited roles, namespace ownership, admin). */
export function levelOnSource(
  prisma: Pick<PrismaClient, '$queryRawUnsafe'>,
  user: Pick<User, 'id' | 'admin'>,
  source: MemberSource,
): Promise<number> {
  return source.kind === 'project'
    ? accessLevelOnProject(prisma, user, source.project)
    : accessLevelOnNamespace(prisma, user, source.group.id);
}

/** Locks the source row, so membership changes on one source happen one at a time. */
export async function lockSource(tx: Prisma.TransactionClient, source: MemberSource): Promise<MemberSource> {
  if (source.kind === 'project')
    return { kind: 'project', project: await lockProject(tx, source.project.id) };
  const group = await lockForUpdate(tx, source.group.id);
  if (!group) throw RuleViolation.notFound('Group');
  return { kind: 'group', group };
}

/** Memberships end at the start of their expiry day (UTC): those dated today are over. */
export function startOfTodayUtc(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** Prisma filter for memberships still in force. */
export function unexpired(now = new Date()): Prisma.MemberWhereInput {
  return { OR: [{ expiresAt: null }, { expiresAt: { gt: startOfTodayUtc(now) } }] };
}
