import { generateSigningKey, type PublicJwk } from '@stowage/auth';
import { newEvent } from '@stowage/bus';
import { recordEvent } from '@stowage/outbox';
import type { SecretCipher } from '@stowage/secrets';
import type { PrismaClient } from '../generated/prisma/client';
import { AUTH_TOKEN_SCHEMA } from '../schema';

export const SIGNING_KEY_CREATED = 'identity.signing_key.created';
export const SIGNING_KEY_RETIRED = 'identity.signing_key.retired';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** How long a new key is published before it signs: verifiers' JWKS caches live 60 seconds. */
export const PUBLISH_LEAD_MS = 120_000;

/** Leeway for clocks between auth-token and verifiers when deciding a retired key is unused. */
const CLOCK_SKEW_MS = 60_000;

// Keys change rarely; one lock serialises creators across replicas.
const lockKeys = (tx: Tx) =>
  tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext('auth_token.signing_keys'))`);

async function createKey(tx: Tx, cipher: SecretCipher, activatesAt: Date): Promise<string> {
  const key = generateSigningKey();
  await tx.signingKey.create({
    data: {
      id: key.kid,
      algorithm: 'RS256',
      publicJwk: key.publicJwk as object,
      privateKeyPem: cipher.encrypt(key.privateKeyPem),
      activatesAt,
    },
  });
  await recordEvent(tx, AUTH_TOKEN_SCHEMA, newEvent(SIGNING_KEY_CREATED, 'auth-token', { kid: key.kid }));
  return key.kid;
}

/**
 * Makes sure a signing key exists, creating the first one (active at once: nothing can hold an
 * older key yet) on first start. The key and the `identity.signing_key.created` event commit
 * together, so verifiers hear of every key.
 */
export async function ensureSigningKey(
  prisma: PrismaClient,
  cipher: SecretCipher,
): Promise<{ kid: string; created: boolean }> {
  return prisma.$transaction(async (tx) => {
    await lockKeys(tx);
    const existing = await tx.signingKey.findFirst({
      where: { retiredAt: null },
      orderBy: { activatesAt: 'desc' },
    });
    if (existing) return { kid: existing.id, created: false };
    return { kid: await createKey(tx, cipher, new Date()), created: true };
  });
}

/**
 * Starts a rotation: the new key is published now and signs from `now + PUBLISH_LEAD_MS`, when
 * the current key retires. The retired key stays published until its last token has expired.
 */
export async function rotateSigningKey(
  prisma: PrismaClient,
  cipher: SecretCipher,
  now: Date = new Date(),
): Promise<{ kid: string; activatesAt: Date }> {
  return prisma.$transaction(async (tx) => {
    await lockKeys(tx);
    const activatesAt = new Date(now.getTime() + PUBLISH_LEAD_MS);
    await tx.signingKey.updateMany({ where: { retiredAt: null }, data: { retiredAt: activatesAt } });
    return { kid: await createKey(tx, cipher, activatesAt), activatesAt };
  });
}

/** Rotates when the newest key is older than `maxAgeDays` (0: never). */
export async function rotateIfDue(
  prisma: PrismaClient,
  cipher: SecretCipher,
  maxAgeDays: number,
  now: Date = new Date(),
): Promise<string | undefined> {
  if (maxAgeDays <= 0) return undefined;
  const newest = await prisma.signingKey.findFirst({ orderBy: { activatesAt: 'desc' } });
  if (newest && now.getTime() - newest.activatesAt.getTime() < maxAgeDays * 86_400_000) return undefined;
  return (await rotateSigningKey(prisma, cipher, now)).kid;
}

/** Deletes keys whose every token has expired, telling verifiers to forget them. */
export async function pruneRetiredKeys(
  prisma: PrismaClient,
  tokenTtlSeconds: number,
  now: Date = new Date(),
): Promise<string[]> {
  const cutoff = new Date(now.getTime() - tokenTtlSeconds * 1000 - CLOCK_SKEW_MS);
  return prisma.$transaction(async (tx) => {
    await lockKeys(tx);
    const expired = await tx.signingKey.findMany({ where: { retiredAt: { lt: cutoff } } });
    for (const key of expired) {
      await tx.signingKey.delete({ where: { id: key.id } });
      await recordEvent(tx, AUTH_TOKEN_SCHEMA, newEvent(SIGNING_KEY_RETIRED, 'auth-token', { kid: key.id }));
    }
    return expired.map((key) => key.id);
  });
}

/** The key tokens are signed with now: the newest whose signing period has begun and not ended. */
export async function activeSigningKey(
  prisma: PrismaClient,
  cipher: SecretCipher,
  now: Date = new Date(),
): Promise<{ kid: string; privateKeyPem: string }> {
  const key = await prisma.signingKey.findFirst({
    where: { activatesAt: { lte: now }, OR: [{ retiredAt: null }, { retiredAt: { gt: now } }] },
    orderBy: { activatesAt: 'desc' },
  });
  if (!key) throw new Error('no active signing key');
  return { kid: key.id, privateKeyPem: cipher.decrypt(key.privateKeyPem) };
}

/** Public halves of every key verifiers must accept: upcoming, active, and retired but in use. */
export async function publishedKeys(prisma: PrismaClient): Promise<PublicJwk[]> {
  const keys = await prisma.signingKey.findMany({ orderBy: { activatesAt: 'asc' } });
  return keys.map((key) => key.publicJwk as unknown as PublicJwk);
}

/** How long the decrypted signing key is reused before the database is asked again. */
export const SIGNING_KEY_CACHE_MS = 10_000;

/**
 * `activeSigningKey` remembered for SIGNING_KEY_CACHE_MS, since every `/jwt/auth` signs with it.
 * The lag is safe across a rotation: the retiring key stays published for the tokens' lifetime
 * plus a minute after its retirement, far longer than the cache keeps signing with it.
 */
export function cachedActiveSigningKey(
  prisma: PrismaClient,
  cipher: SecretCipher,
  cacheMs = SIGNING_KEY_CACHE_MS,
): () => Promise<{ kid: string; privateKeyPem: string }> {
  let cached: { key: Promise<{ kid: string; privateKeyPem: string }>; until: number } | undefined;
  return () => {
    const now = Date.now();
    if (!cached || cached.until <= now) {
      const key = activeSigningKey(prisma, cipher);
      // A failed read is not remembered: the next call asks again.
      key.catch(() => {
        if (cached?.key === key) cached = undefined;
      });
      cached = { key, until: now + cacheMs };
    }
    return cached.key;
  };
}
