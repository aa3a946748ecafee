import { imageBlobsSize, indexEntries, INDEX_MEDIA_TYPES } from '@stowage/oci';
import type { ProxyDb } from './client';

/** Sizes the dependency proxy's API shows about a group's cache. */

/** What a group's cache holds (GitLab GraphQL's dependencyProxyTotalSize, ImageCount, BlobCount). */
export interface GroupCacheStorage {
  /** Bytes of every cached blob and manifest payload of the group. */
  totalSize: number;
  /** Cached manifests (one per image and tag or digest asked for). */
  imageCount: number;
  blobCount: number;
}

export async function groupCacheStorage(db: ProxyDb, groupId: number): Promise<GroupCacheStorage> {
  const [blobs, manifests] = await Promise.all([
    db.cachedBlob.aggregate({ where: { groupId }, _sum: { size: true }, _count: { _all: true } }),
    db.cachedManifest.aggregate({ where: { groupId }, _sum: { size: true }, _count: { _all: true } }),
  ]);
  return {
    totalSize: Number(blobs._sum.size ?? 0n) + (manifests._sum.size ?? 0),
    imageCount: manifests._count._all,
    blobCount: blobs._count._all,
  };
}

export interface ManifestEntryRef {
  id: bigint;
  image: string;
  mediaType: string;
}

/**
 * The image size of each entry, by id: the config and layers its manifest names; for an index,
 * the sum over its children that the group has cached for the same image (a child never pulled
 * is not in the cache, so it is not counted). Two queries for the whole page.
 */
export async function imageSizesOf(
  db: ProxyDb,
  groupId: number,
  entries: ManifestEntryRef[],
): Promise<Map<bigint, number>> {
  const sizes = new Map<bigint, number>();
  if (entries.length === 0) return sizes;
  const payloads = await db.cachedManifest.findMany({
    where: { id: { in: entries.map((entry) => entry.id) } },
    select: { id: true, payload: true },
  });
  const payloadOf = new Map(payloads.map((row) => [row.id, row.payload]));
  const childrenOf = new Map<bigint, string[]>();
  for (const entry of entries) {
    const payload = payloadOf.get(entry.id);
    if (!payload) continue;
    if (INDEX_MEDIA_TYPES.includes(entry.mediaType)) {
      childrenOf.set(entry.id, [...new Set(indexEntries(payload).map((child) => child.digest))]);
    } else {
      sizes.set(entry.id, imageBlobsSize(payload));
    }
  }
  const childDigests = [...new Set([...childrenOf.values()].flat())];
  const children =
    childDigests.length === 0
      ? []
      : await db.cachedManifest.findMany({
          where: { groupId, digest: { in: childDigests } },
          select: { image: true, digest: true, payload: true },
        });
  const childSize = new Map(
    children.map((row) => [`${row.image}@${row.digest}`, imageBlobsSize(row.payload)]),
  );
  for (const entry of entries) {
    const digests = childrenOf.get(entry.id);
    if (!digests) continue;
    sizes.set(
      entry.id,
      digests.reduce((total, digest) => total + (childSize.get(`${entry.image}@${digest}`) ?? 0), 0),
    );
  }
  return sizes;
}
