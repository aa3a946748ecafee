import type { Prisma, PrismaClient, Project } from '../../generated/prisma/client';
import { descendantGroups } from '../groups/group-tree';
import { memberReach } from '../members/member-reach';
import { visibleProjectsWhere, type Viewer, type Visibility } from '../visibility';

export const PROJECT_ORDERS = ['id', 'name', 'path', 'created_at', 'updated_at', 'last_activity_at'] as const;
export type ProjectOrder = (typeof PROJECT_ORDERS)[number];

const ORDER_COLUMN: Record<ProjectOrder, keyof Prisma.ProjectOrderByWithRelationInput> = {
  id: 'id',
  name: 'name',
  path: 'path',
  created_at: 'createdAt',
  updated_at: 'updatedAt',
  last_activity_at: 'updatedAt',
};

export interface ProjectFilters {
  /** Part of the name or path, any case. */
  search?: string;
  /** Only projects in the viewer's personal namespace. */
  owned?: boolean;
  /** Only projects the viewer has a role on (directly, through groups, or by owning them). */
  membership?: boolean;
  visibility?: Visibility;
  /** Only projects of this group ... */
  groupId?: number;
  /** ... and, with this, of every group beneath it. */
  includeSubgroups?: boolean;
  /** GitLab's default: created_at, descending. */
  orderBy?: ProjectOrder;
  sort?: 'asc' | 'desc';
}

/** The projects a viewer sees (see visibility.ts), filtered, one page of them and the total. */
export async function listProjects(
  prisma: PrismaClient,
  viewer: Viewer,
  filters: ProjectFilters,
  page: { skip: number; take: number },
): Promise<{ projects: Project[]; total: number }> {
  const reach =
    viewer && (!viewer.admin || filters.membership) ? await memberReach(prisma, viewer.id) : undefined;
  const and: Prisma.ProjectWhereInput[] = [visibleProjectsWhere(viewer, reach)];
  if (filters.search) {
    and.push({
      OR: [
        { name: { contains: filters.search, mode: 'insensitive' } },
        { path: { contains: filters.search, mode: 'insensitive' } },
      ],
    });
  }
  if (filters.owned) and.push(viewer ? { namespace: { ownerId: viewer.id } } : { id: { in: [] } });
  if (filters.membership) {
    and.push({
      OR: [
        { id: { in: [...(reach?.projectLevels.keys() ?? [])] } },
        { namespaceId: { in: [...(reach?.namespaceLevels.keys() ?? [])] } },
      ],
    });
  }
  if (filters.visibility) and.push({ visibility: filters.visibility });
  if (filters.groupId !== undefined) {
    const groupIds = filters.includeSubgroups
      ? [filters.groupId, ...(await descendantGroups(prisma, filters.groupId)).map((group) => group.id)]
      : [filters.groupId];
    and.push({ namespaceId: { in: groupIds } });
  }
  const where: Prisma.ProjectWhereInput = { AND: and };
  const direction = filters.sort ?? 'desc';
  const [projects, total] = await Promise.all([
    prisma.project.findMany({
      where,
      orderBy: [{ [ORDER_COLUMN[filters.orderBy ?? 'created_at']]: direction }, { id: direction }],
      skip: page.skip,
      take: page.take,
    }),
    prisma.project.count({ where }),
  ]);
  return { projects, total };
}
