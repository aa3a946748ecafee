import type { PrismaClient } from '../../generated/prisma/client';
import { newSessionToken } from '../tokens';

/** Longest client detail kept with a session; a user agent can be as long as a client likes. */
const MAX_DETAIL_LENGTH = 255;

export interface OpenedSession {
  id: number;
  /** The cookie's value; shown to the browser once, never stored. */
  token: string;
  expiresAt: Date;
}

/**
 * Starts a browser session for a user who just signed in. The user's dead sessions (expired or
 * revoked) are deleted on the way: nothing reads them any more, and a user's sign-ins are what
 * makes them, so this keeps each user's rows bounded without a sweep of its own.
 */
export async function openSession(
  prisma: Pick<PrismaClient, '$transaction'>,
  userId: number,
  options: { ttlSeconds: number; clientIp?: string; userAgent?: string; now?: Date },
): Promise<OpenedSession> {
  const now = options.now ?? new Date();
  const expiresAt = new Date(now.getTime() + options.ttlSeconds * 1000);
  const { token, digest } = newSessionToken();
  const created = await prisma.$transaction(async (tx) => {
    await tx.session.deleteMany({
      where: { userId, OR: [{ expiresAt: { lte: now } }, { revokedAt: { not: null } }] },
    });
    return tx.session.create({
      data: {
        userId,
        tokenDigest: digest,
        createdAt: now,
        expiresAt,
        clientIp: options.clientIp?.slice(0, MAX_DETAIL_LENGTH),
        userAgent: options.userAgent?.slice(0, MAX_DETAIL_LENGTH),
      },
    });
  });
  return { id: created.id, token, expiresAt };
}
