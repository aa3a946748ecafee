import type { CachedManifest, ProxyDb } from './client';

export interface ManifestToCache {
  groupId: number;
  image: string;
  reference: string;
  digest: string;
  mediaType: string;
  payload: Buffer;
  upstream: string;
}

/** A read refreshes `read_at` at most this often: the TTL counts days, and hits stay one query. */
export const READ_AT_RESOLUTION_MS = 10 * 60 * 1000;

/** The entry cached for the tag or digest the client asked for. */
export function findCachedManifest(
  db: ProxyDb,
  groupId: number,
  image: string,
  reference: string,
): Promise<CachedManifest | null> {
  return db.cachedManifest.findUnique({ where: { groupId_image_reference: { groupId, image, reference } } });
}

/** Any entry of the image with this digest (a tag's entry serves a pull by its digest too). */
export function findCachedManifestByDigest(
  db: ProxyDb,
  groupId: number,
  image: string,
  digest: string,
): Promise<CachedManifest | null> {
  return db.cachedManifest.findFirst({ where: { groupId, image, digest } });
}

/** Stores what the upstream served for the reference, replacing what a moved tag pointed at. */
export function cacheManifest(db: ProxyDb, entry: ManifestToCache): Promise<CachedManifest> {
  const { groupId, image, reference, ...content } = entry;
  const now = new Date();
  // Prisma's Bytes takes a Uint8Array over a plain ArrayBuffer; a Buffer's may be shared.
  const payload = new Uint8Array(content.payload);
  const fields = { ...content, payload, size: payload.length, readAt: now };
  return db.cachedManifest.upsert({
    where: { groupId_image_reference: { groupId, image, reference } },
    create: { groupId, image, reference, ...fields, createdAt: now },
    update: { ...fields, createdAt: now },
  });
}

/** Marks the entry read now (see READ_AT_RESOLUTION_MS). */
export async function touchCachedManifest(db: ProxyDb, entry: CachedManifest): Promise<void> {
  const now = Date.now();
  if (now - entry.readAt.getTime() < READ_AT_RESOLUTION_MS) return;
  await db.cachedManifest.updateMany({ where: { id: entry.id }, data: { readAt: new Date(now) } });
}

/** One page of a group's entries, most recently read first, and how many there are. */
export async function listCachedManifests(
  db: ProxyDb,
  groupId: number,
  page: { skip: number; take: number },
): Promise<{ entries: Omit<CachedManifest, 'payload'>[]; total: number }> {
  const [entries, total] = await Promise.all([
    db.cachedManifest.findMany({
      where: { groupId },
      omit: { payload: true },
      orderBy: [{ readAt: 'desc' }, { id: 'desc' }],
      skip: page.skip,
      take: page.take,
    }),
    db.cachedManifest.count({ where: { groupId } }),
  ]);
  return { entries, total };
}

/** The tags of an image the group has cached (entries asked for by digest are not tags). */
export async function listCachedTags(db: ProxyDb, groupId: number, image: string): Promise<string[]> {
  const rows = await db.cachedManifest.findMany({
    where: { groupId, image, NOT: { reference: { contains: ':' } } },
    select: { reference: true },
    orderBy: { reference: 'asc' },
  });
  return rows.map((row) => row.reference);
}
