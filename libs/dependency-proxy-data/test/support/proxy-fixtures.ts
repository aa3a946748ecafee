import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '../../src';

const DAY_MS = 24 * 60 * 60 * 1000;

export const daysAgo = (days: number): Date => new Date(Date.now() - days * DAY_MS);

/** A digest no other test uses. */
export function randomDigest(): string {
  return `sha256:${createHash('sha256').update(randomBytes(16)).digest('hex')}`;
}

/** Caches a blob for the group, as the proxy does after a fetch, last read at `readAt`. */
export async function cacheBlob(
  prisma: PrismaClient,
  groupId: number,
  digest: string,
  readAt = new Date(),
): Promise<void> {
  await prisma.cachedBlob.create({ data: { groupId, digest, size: 3n, readAt, createdAt: readAt } });
}

/** Caches a manifest for the group under `reference`, last read at `readAt`. */
export async function cacheManifest(
  prisma: PrismaClient,
  groupId: number,
  image: string,
  reference: string,
  readAt = new Date(),
): Promise<void> {
  const payload = Buffer.from(JSON.stringify({ schemaVersion: 2, reference }));
  await prisma.cachedManifest.create({
    data: {
      groupId,
      image,
      reference,
      digest: `sha256:${createHash('sha256').update(payload).digest('hex')}`,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: payload.length,
      payload,
      upstream: 'default',
      readAt,
      createdAt: readAt,
    },
  });
}

export async function setTtlPolicy(
  prisma: PrismaClient,
  groupId: number,
  policy: { enabled: boolean; days?: number; nextRunAt?: Date | null },
): Promise<void> {
  const data = {
    ttlEnabled: policy.enabled,
    ttlDays: policy.days ?? 90,
    ttlNextRunAt: policy.nextRunAt ?? null,
  };
  await prisma.groupSettings.upsert({ where: { groupId }, create: { groupId, ...data }, update: data });
}

export const blobDigestsOf = async (prisma: PrismaClient, groupId: number): Promise<string[]> =>
  (await prisma.cachedBlob.findMany({ where: { groupId }, orderBy: { digest: 'asc' } })).map((b) => b.digest);

export const referencesOf = async (prisma: PrismaClient, groupId: number): Promise<string[]> =>
  (await prisma.cachedManifest.findMany({ where: { groupId }, orderBy: { reference: 'asc' } })).map(
    (m) => m.reference,
  );

export const pendingStorageDeletions = async (prisma: PrismaClient): Promise<string[]> =>
  (await prisma.storageDeletion.findMany({ orderBy: { digest: 'asc' } })).map((d) => d.digest);
