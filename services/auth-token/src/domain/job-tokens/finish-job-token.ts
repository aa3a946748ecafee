import type { PrismaClient } from '../../generated/prisma/client';
import { recordIdentityEvent } from '../identity-events';

/**
 * The job finished: its token stops working now rather than at expiry, and verifiers holding
 * registry tokens issued for it learn so. False (nothing recorded) when it had finished already.
 */
export function finishJobToken(
  prisma: PrismaClient,
  token: { id: number; userId: number },
  now: Date = new Date(),
): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.jobToken.updateMany({
      where: { id: token.id, finishedAt: null },
      data: { finishedAt: now },
    });
    if (count === 0) return false;
    await recordIdentityEvent(tx, 'identity.token.revoked', {
      credential: `job_token:${token.id}`,
      user_id: token.userId,
      revoked_at: now.toISOString(),
    });
    return true;
  });
}
