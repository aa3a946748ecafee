import type { Namespace, PrismaClient, User } from '../../generated/prisma/client';
import { ACCESS_LEVEL } from '../access-level';
import { recordIdentityEvent } from '../identity-events';
import { accessLevelOnNamespace } from '../membership';
import { RuleViolation } from '../rule-violation';
import { lockForUpdate } from './group-tree';

/**
 * Owners (and admins) delete an empty group: one with subgroups or projects is refused, so
 * nothing is ever deleted by accident along with it. Its memberships and deploy tokens go with
 * it; their holders' caches hear of it through membership and token-revoked events.
 */
export async function deleteGroup(prisma: PrismaClient, actor: User, group: Namespace): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const current = await lockForUpdate(tx, group.id);
    if (!current) throw RuleViolation.notFound('Group');
    if ((await accessLevelOnNamespace(tx, actor, current.id)) < ACCESS_LEVEL.owner) {
      throw RuleViolation.notAllowed();
    }
    const subgroups = await tx.namespace.count({ where: { parentId: current.id } });
    const projects = await tx.project.count({ where: { namespaceId: current.id } });
    if (subgroups + projects > 0) {
      throw RuleViolation.refused('Group still contains subgroups or projects; delete or move them first');
    }
    const deployTokens = await tx.deployToken.findMany({
      where: { namespaceId: current.id, revokedAt: null },
    });
    const members = await tx.member.findMany({ where: { namespaceId: current.id } });
    await tx.namespace.delete({ where: { id: current.id } });
    const revokedAt = new Date().toISOString();
    for (const token of deployTokens) {
      await recordIdentityEvent(tx, 'identity.token.revoked', {
        credential: `deploy_token:${token.id}`,
        revoked_at: revokedAt,
      });
    }
    for (const member of members) {
      await recordIdentityEvent(tx, 'identity.membership.changed', {
        user_id: member.userId,
        namespace_id: current.id,
      });
    }
  });
}
