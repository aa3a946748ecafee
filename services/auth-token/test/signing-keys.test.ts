import { ConfigError } from '@stowage/config';
import { signingKeyCipher } from '../src/domain/key-encryption';
import {
  activeSigningKey,
  cachedActiveSigningKey,
  ensureSigningKey,
  pruneRetiredKeys,
  publishedKeys,
  PUBLISH_LEAD_MS,
  rotateIfDue,
  rotateSigningKey,
} from '../src/domain/signing-keys';
import { openIdentityDb, type IdentityDb } from './support/identity-db';

const cipher = signingKeyCipher('a-signing-key-encryption-secret-for-tests');
const TTL_SECONDS = 300;

describe('signing keys', () => {
  let identity: IdentityDb;
  beforeAll(async () => {
    identity = await openIdentityDb();
  });
  afterAll(() => identity.close());
  beforeEach(async () => {
    await identity.reset();
  });

  const eventTypes = async () =>
    (await identity.prisma.outboxEvent.findMany({ orderBy: { seq: 'asc' } })).map((event) => event.type);

  it('when the first key is created, then its private half is stored encrypted and it signs at once', async () => {
    const { kid } = await ensureSigningKey(identity.prisma, cipher);
    const row = await identity.prisma.signingKey.findUniqueOrThrow({ where: { id: kid } });
    expect(row.privateKeyPem).toMatch(/^enc:v1:/);
    expect(row.privateKeyPem).not.toContain('PRIVATE KEY');
    const active = await activeSigningKey(identity.prisma, cipher);
    expect(active.kid).toBe(kid);
    expect(active.privateKeyPem).toContain('BEGIN PRIVATE KEY');
  });

  it('when the encryption secret is not the one the keys were written with, then reading them fails clearly', async () => {
    await ensureSigningKey(identity.prisma, cipher);
    const other = signingKeyCipher('another-secret-of-at-least-thirty-two-chars');
    await expect(activeSigningKey(identity.prisma, other)).rejects.toThrow(ConfigError);
  });

  it('when keys rotate, then the new key is published before it signs and the old one stays until its tokens expire', async () => {
    const { kid: oldKid } = await ensureSigningKey(identity.prisma, cipher);
    const start = new Date();
    const { kid: newKid } = await rotateSigningKey(identity.prisma, cipher, start);

    const published = (await publishedKeys(identity.prisma)).map((key) => key.kid);
    expect(published).toEqual([oldKid, newKid]);
    expect((await activeSigningKey(identity.prisma, cipher, start)).kid).toBe(oldKid);

    const afterLead = new Date(start.getTime() + PUBLISH_LEAD_MS + 1);
    expect((await activeSigningKey(identity.prisma, cipher, afterLead)).kid).toBe(newKid);
    expect(await pruneRetiredKeys(identity.prisma, TTL_SECONDS, afterLead)).toEqual([]);

    const afterOldTokensExpired = new Date(afterLead.getTime() + (TTL_SECONDS + 61) * 1000);
    expect(await pruneRetiredKeys(identity.prisma, TTL_SECONDS, afterOldTokensExpired)).toEqual([oldKid]);
    expect((await publishedKeys(identity.prisma)).map((key) => key.kid)).toEqual([newKid]);
    expect(await eventTypes()).toEqual([
      'identity.signing_key.created',
      'identity.signing_key.created',
      'identity.signing_key.retired',
    ]);
  });

  it('when the newest key is younger than the maximum age, then no rotation happens; when older, one does', async () => {
    await ensureSigningKey(identity.prisma, cipher);
    const now = new Date();
    expect(await rotateIfDue(identity.prisma, cipher, 90, now)).toBeUndefined();
    expect(
      await rotateIfDue(identity.prisma, cipher, 0, new Date(now.getTime() + 365 * 86_400_000)),
    ).toBeUndefined();
    const rotated = await rotateIfDue(identity.prisma, cipher, 90, new Date(now.getTime() + 91 * 86_400_000));
    expect(rotated).toEqual(expect.any(String));
  });

  it('when the active key is read through the cache, then it is reused within the cache time and read again after', async () => {
    const { kid } = await ensureSigningKey(identity.prisma, cipher);
    const cached = cachedActiveSigningKey(identity.prisma, cipher, 60_000);
    const uncached = cachedActiveSigningKey(identity.prisma, cipher, 0);
    expect((await cached()).kid).toBe(kid);
    expect((await uncached()).kid).toBe(kid);
    await identity.prisma.signingKey.deleteMany();
    expect((await cached()).kid).toBe(kid);
    await expect(uncached()).rejects.toThrow('no active signing key');
  });
});
