import type { PrismaClient } from '../../generated/prisma/client';
import { recordIdentityEvent } from '../identity-events';
import { digestToken } from '../tokens';

/**
 * Ends the session a cookie names (sign-out) and records `identity.token.revoked` with its
 * credential, so every service's identity client drops answers it cached for it. Returns the
 * session, or null when the cookie names no live session (nothing to do, nothing recorded).
 */
export async function revokeSession(
  prisma: Pick<PrismaClient, '$transaction'>,
  token: string,
  now: Date = new Date(),
): Promise<{ id: number; userId: number } | null> {
  return prisma.$transaction(async (tx) => {
    const found = await tx.session.findUnique({ where: { tokenDigest: digestToken(token) } });
    if (!found) return null;
    const { count } = await tx.session.updateMany({
      where: { id: found.id, revokedAt: null, expiresAt: { gt: now } },
      data: { revokedAt: now },
    });
    if (count === 0) return null;
    await recordIdentityEvent(tx, 'identity.token.revoked', {
      credential: `session:${found.id}`,
      user_id: found.userId,
      revoked_at: now.toISOString(),
    });
    return { id: found.id, userId: found.userId };
  });
}
