import type { PrismaClient } from '../../generated/prisma/client';
import { recordIdentityEvent } from '../identity-events';

/** Revokes a deploy token and announces it; false when it was revoked already. */
export function revokeDeployToken(
  prisma: PrismaClient,
  id: number,
  now: Date = new Date(),
): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.deployToken.updateMany({
      where: { id, revokedAt: null },
      data: { revokedAt: now },
    });
    if (count === 0) return false;
    await recordIdentityEvent(tx, 'identity.token.revoked', {
      credential: `deploy_token:${id}`,
      revoked_at: now.toISOString(),
    });
    return true;
  });
}
