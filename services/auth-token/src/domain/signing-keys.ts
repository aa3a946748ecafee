import { generateSigningKey, type PublicJwk } from '@stowage/auth';
import { newEvent } from '@stowage/bus';
import { recordEvent } from '@stowage/outbox';
import type { PrismaClient } from '../generated/prisma/client';
import { AUTH_TOKEN_SCHEMA } from '../schema';

export const SIGNING_KEY_CREATED = 'identity.signing_key.created';

/**
 * Makes sure a signing key exists, creating the first one on first start. The key and the
 * `identity.signing_key.created` event commit together, so verifiers hear of every key. An
 * advisory lock keeps two replicas starting at once from creating two keys.
 */
export async function ensureSigningKey(prisma: PrismaClient): Promise<{ kid: string; created: boolean }> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext('auth_token.signing_keys'))`);
    const existing = await tx.signingKey.findFirst({
      where: { retiredAt: null },
      orderBy: { createdAt: 'desc' },
    });
    if (existing) return { kid: existing.id, created: false };
    const key = generateSigningKey();
    await tx.signingKey.create({
      data: {
        id: key.kid,
        algorithm: 'RS256',
        publicJwk: key.publicJwk as object,
        privateKeyPem: key.privateKeyPem,
      },
    });
    await recordEvent(tx, AUTH_TOKEN_SCHEMA, newEvent(SIGNING_KEY_CREATED, 'auth-token', { kid: key.kid }));
    return { kid: key.kid, created: true };
  });
}

/** Public halves of every key verifiers must still accept (active and not yet retired). */
export async function publishedKeys(prisma: PrismaClient): Promise<PublicJwk[]> {
  const keys = await prisma.signingKey.findMany({
    where: { retiredAt: null },
    orderBy: { createdAt: 'asc' },
  });
  return keys.map((key) => key.publicJwk as unknown as PublicJwk);
}
