import type { CachedBlob, ProxyDb } from './client';
import { READ_AT_RESOLUTION_MS } from './cached-manifests';

/** The group's entry for the blob, if it pulled it through its proxy. */
export function findCachedBlob(db: ProxyDb, groupId: number, digest: string): Promise<CachedBlob | null> {
  return db.cachedBlob.findUnique({ where: { groupId_digest: { groupId, digest } } });
}

/** Records that the group has the blob (its object is in storage under the digest's key). */
export async function recordCachedBlob(
  db: ProxyDb,
  groupId: number,
  digest: string,
  size: number,
): Promise<void> {
  const now = new Date();
  await db.cachedBlob.upsert({
    where: { groupId_digest: { groupId, digest } },
    create: { groupId, digest, size: BigInt(size), createdAt: now, readAt: now },
    update: { size: BigInt(size), readAt: now },
  });
}

/** Marks the entry read now (see READ_AT_RESOLUTION_MS). */
export async function touchCachedBlob(db: ProxyDb, entry: CachedBlob): Promise<void> {
  const now = Date.now();
  if (now - entry.readAt.getTime() < READ_AT_RESOLUTION_MS) return;
  await db.cachedBlob.updateMany({ where: { id: entry.id }, data: { readAt: new Date(now) } });
}

/** Drops an entry whose object storage no longer has (a purge raced the read): the next pull refetches. */
export async function forgetCachedBlob(db: ProxyDb, entry: CachedBlob): Promise<void> {
  await db.cachedBlob.deleteMany({ where: { id: entry.id } });
}
