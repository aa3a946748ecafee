import type { PrismaClient, Project, User } from '../../generated/prisma/client';
import { ACCESS_LEVEL } from '../access-level';
import { unexpired } from '../members/member-source';
import { namespaceChain } from '../membership';

/**
 * A user's own roles on a project, as GitLab's `permissions` reports them: the project
 * membership (owning the personal namespace counts as Owner) and the highest membership of the
 * groups above it; null where there is none. Admin powers are not roles and do not show here.
 */
export async function projectPermissions(
  prisma: PrismaClient,
  user: Pick<User, 'id'>,
  project: Project,
): Promise<{ projectAccess: number | null; groupAccess: number | null }> {
  const chainIds = await namespaceChain(prisma, project.namespaceId);
  const [own, groups, personal] = await Promise.all([
    prisma.member.findFirst({ where: { projectId: project.id, userId: user.id, AND: [unexpired()] } }),
    prisma.member.aggregate({
      where: { namespaceId: { in: chainIds }, userId: user.id, AND: [unexpired()] },
      _max: { accessLevel: true },
    }),
    prisma.namespace.findFirst({ where: { id: project.namespaceId, ownerId: user.id } }),
  ]);
  return {
    projectAccess: personal ? ACCESS_LEVEL.owner : (own?.accessLevel ?? null),
    groupAccess: groups._max.accessLevel ?? null,
  };
}
