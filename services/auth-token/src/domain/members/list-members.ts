import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import { ACCESS_LEVEL } from '../access-level';
import { namespaceChain } from '../membership';
import type { MemberWithUser } from './change-membership';
import { sourceKey, sourceNamespaceId, unexpired, type MemberSource } from './member-source';

export interface MemberFilters {
  /** Part of the username or name, any case. */
  query?: string;
  /** Only these users. */
  userIds?: number[];
}

/** The users the filters keep. */
function userMatch(filters: MemberFilters): Prisma.UserWhereInput {
  const and: Prisma.UserWhereInput[] = [];
  if (filters.query) {
    and.push({
      OR: [
        { username: { contains: filters.query, mode: 'insensitive' } },
        { name: { contains: filters.query, mode: 'insensitive' } },
      ],
    });
  }
  if (filters.userIds) and.push({ id: { in: filters.userIds } });
  return { AND: and };
}

/** The source's own members (expired ones included, as GitLab lists them), one page and the total. */
export async function listDirectMembers(
  prisma: PrismaClient,
  source: MemberSource,
  filters: MemberFilters,
  page: { skip: number; take: number },
): Promise<{ members: MemberWithUser[]; total: number }> {
  const where: Prisma.MemberWhereInput = { AND: [sourceKey(source), { user: userMatch(filters) }] };
  const [members, total] = await Promise.all([
    prisma.member.findMany({
      where,
      include: { user: true },
      orderBy: { id: 'asc' },
      skip: page.skip,
      take: page.take,
    }),
    prisma.member.count({ where }),
  ]);
  return { members, total };
}

/**
 * Everyone with a role on the source, inherited ones included: its own members, the members of
 * every group above it and, for a project in a personal namespace, the namespace's owner. One
 * entry per user, carrying their highest unexpired membership; ordered by user id.
 */
export async function listAllMembers(
  prisma: PrismaClient,
  source: MemberSource,
  filters: MemberFilters,
): Promise<MemberWithUser[]> {
  const chainIds = await namespaceChain(prisma, sourceNamespaceId(source));
  const own: Prisma.MemberWhereInput[] = source.kind === 'project' ? [{ projectId: source.project.id }] : [];
  const rows = await prisma.member.findMany({
    where: {
      AND: [{ OR: [{ namespaceId: { in: chainIds } }, ...own] }, unexpired(), { user: userMatch(filters) }],
    },
    include: { user: true },
    orderBy: { id: 'asc' },
  });
  const owners = await prisma.namespace.findMany({
    where: { id: { in: chainIds }, ownerId: { not: null }, owner: userMatch(filters) },
    include: { owner: true },
  });
  for (const namespace of owners) {
    if (!namespace.owner) continue;
    rows.push({
      id: 0,
      userId: namespace.owner.id,
      namespaceId: namespace.id,
      projectId: null,
      accessLevel: ACCESS_LEVEL.owner,
      expiresAt: null,
      createdById: null,
      createdAt: namespace.createdAt,
      updatedAt: namespace.createdAt,
      user: namespace.owner,
    });
  }
  const best = new Map<number, MemberWithUser>();
  for (const row of rows) {
    const seen = best.get(row.userId);
    if (!seen || row.accessLevel > seen.accessLevel) best.set(row.userId, row);
  }
  return [...best.values()].sort((a, b) => a.userId - b.userId);
}
