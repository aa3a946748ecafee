import type { Namespace, Prisma, PrismaClient } from '../../generated/prisma/client';
import { ACCESS_LEVEL } from '../access-level';
import { memberReach, type MemberReach } from '../members/member-reach';
import { visibleGroupsWhere, type Viewer } from '../visibility';

export interface GroupFilters {
  /** Part of the name or path, any case. */
  search?: string;
  /** Only groups the viewer is Owner of (directly or through an ancestor group). */
  owned?: boolean;
  /** Only groups where the viewer's role is at least this. */
  minAccessLevel?: number;
  topLevelOnly?: boolean;
  /** Only direct subgroups of this group. */
  parentId?: number;
  orderBy?: 'name' | 'path' | 'id';
  sort?: 'asc' | 'desc';
}

/**
 * The groups a viewer sees (see visibility.ts), filtered, one page of them and the total.
 * `owned` and `min_access_level` look at memberships only, for admins too, as on GitLab.
 */
export async function listGroups(
  prisma: PrismaClient,
  viewer: Viewer,
  filters: GroupFilters,
  page: { skip: number; take: number },
): Promise<{ groups: Namespace[]; total: number }> {
  const needsRoles = filters.owned || filters.minAccessLevel !== undefined;
  const reach = viewer && (!viewer.admin || needsRoles) ? await memberReach(prisma, viewer.id) : undefined;
  const and: Prisma.NamespaceWhereInput[] = [visibleGroupsWhere(viewer, reach)];
  if (filters.search) {
    and.push({
      OR: [
        { name: { contains: filters.search, mode: 'insensitive' } },
        { path: { contains: filters.search, mode: 'insensitive' } },
      ],
    });
  }
  if (filters.owned) and.push({ id: { in: withLevel(reach, ACCESS_LEVEL.owner) } });
  if (filters.minAccessLevel !== undefined)
    and.push({ id: { in: withLevel(reach, filters.minAccessLevel) } });
  if (filters.topLevelOnly) and.push({ parentId: null });
  if (filters.parentId !== undefined) and.push({ parentId: filters.parentId });
  const where: Prisma.NamespaceWhereInput = { AND: and };
  const direction = filters.sort ?? 'asc';
  const [groups, total] = await Promise.all([
    prisma.namespace.findMany({
      where,
      orderBy: [{ [filters.orderBy ?? 'name']: direction }, { id: direction }],
      skip: page.skip,
      take: page.take,
    }),
    prisma.namespace.count({ where }),
  ]);
  return { groups, total };
}

function withLevel(reach: MemberReach | undefined, minimum: number): number[] {
  return [...(reach?.namespaceLevels ?? [])].filter(([, level]) => level >= minimum).map(([id]) => id);
}
