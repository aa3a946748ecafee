import type { Namespace, PrismaClient, User } from '../../generated/prisma/client';
import { ACCESS_LEVEL } from '../access-level';
import { recordIdentityEvent } from '../identity-events';
import { accessLevelOnNamespace } from '../membership';
import { claimRoute, onUniqueViolation } from '../routes';
import { RuleViolation } from '../rule-violation';
import { canSeeGroup, exceedsVisibility, type Visibility } from '../visibility';
import { lockChain, MAX_GROUP_DEPTH } from './group-tree';
import { checkName, checkPath, joinPath } from './naming';

export interface NewGroup {
  name: string;
  path: string;
  /** A subgroup's parent; absent for a top-level group. */
  parentId?: number;
  /** Default: private. */
  visibility?: Visibility;
  description?: string;
}

/**
 * Any signed-in user may create a top-level group; a subgroup needs Maintainer on its parent
 * (GitLab's default "Maintainers can create subgroups"). The creator becomes its Owner.
 */
export async function createGroup(prisma: PrismaClient, creator: User, input: NewGroup): Promise<Namespace> {
  checkName(input.name);
  checkPath(input.path, { topLevel: input.parentId === undefined });
  const visibility = input.visibility ?? 'private';
  const group = await onUniqueViolation(
    () =>
      prisma.$transaction(async (tx) => {
        let parent: Namespace | null = null;
        if (input.parentId !== undefined) {
          const chain = await lockChain(tx, input.parentId);
          parent = chain[0] ?? null;
          if (!parent || parent.kind !== 'group' || !(await canSeeGroup(tx, creator, parent))) {
            throw RuleViolation.notFound('Group');
          }
          if ((await accessLevelOnNamespace(tx, creator, parent.id)) < ACCESS_LEVEL.maintainer) {
            throw RuleViolation.notAllowed();
          }
          if (chain.length >= MAX_GROUP_DEPTH) {
            throw RuleViolation.invalidField('parent_id', 'has too deep level of nesting');
          }
          if (exceedsVisibility(visibility, parent.visibility)) {
            throw RuleViolation.invalidField(
              'visibility_level',
              `${visibility} is not allowed since the parent group has a ${parent.visibility} visibility.`,
            );
          }
        }
        const fullPath = joinPath(parent?.fullPath ?? null, input.path);
        const created = await tx.namespace.create({
          data: {
            kind: 'group',
            name: input.name,
            path: input.path,
            fullPath,
            parentId: parent?.id ?? null,
            visibility,
            description: input.description ?? '',
          },
        });
        await claimRoute(tx, fullPath, { namespaceId: created.id });
        await tx.member.create({
          data: {
            userId: creator.id,
            namespaceId: created.id,
            accessLevel: ACCESS_LEVEL.owner,
            createdById: creator.id,
          },
        });
        await recordIdentityEvent(tx, 'identity.membership.changed', {
          user_id: creator.id,
          namespace_id: created.id,
        });
        return created;
      }),
    () => RuleViolation.pathTaken(),
  );
  return group;
}
