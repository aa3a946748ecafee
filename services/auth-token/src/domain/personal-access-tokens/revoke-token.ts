import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import { recordIdentityEvent } from '../identity-events';

/**
 * Marks a token revoked and records `identity.token.revoked`, in the caller's transaction.
 * Returns false (and records nothing) when it was revoked already.
 */
export async function revokePersonalAccessTokenIn(
  tx: Prisma.TransactionClient,
  token: { id: number; userId: number },
  now: Date,
): Promise<boolean> {
  const { count } = await tx.personalAccessToken.updateMany({
    where: { id: token.id, revokedAt: null },
    data: { revokedAt: now },
  });
  if (count === 0) return false;
  await recordIdentityEvent(tx, 'identity.token.revoked', {
    credential: `personal_access_token:${token.id}`,
    user_id: token.userId,
    revoked_at: now.toISOString(),
  });
  return true;
}

export function revokePersonalAccessToken(
  prisma: PrismaClient,
  token: { id: number; userId: number },
  now: Date = new Date(),
): Promise<boolean> {
  return prisma.$transaction((tx) => revokePersonalAccessTokenIn(tx, token, now));
}
