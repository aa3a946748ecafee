import type { PrismaClient, ProxyDb } from './client';

export interface CacheRemovalOptions {
  /** Rows of each table deleted per transaction. */
  batchSize?: number;
}

export interface CacheRemovalOutcome {
  manifests: number;
  blobs: number;
  /** Digests no cached_blobs row names any more, queued in storage_deletions. */
  storageDeletionsQueued: number;
}

const DEFAULT_BATCH_SIZE = 100;

/**
 * Empties a group's cache (`DELETE /groups/:id/dependency_proxy/cache`). Rows a proxy request
 * holds are waited for, not skipped: a purge must leave nothing behind that was cached before it.
 */
export function purgeGroupCache(
  prisma: PrismaClient,
  groupId: number,
  options: CacheRemovalOptions = {},
): Promise<CacheRemovalOutcome> {
  return removeInBatches(prisma, { groupId, unreadSince: null }, options);
}

/**
 * Removes a group's entries last read before `unreadSince` (its TTL policy). Rows a proxy request
 * holds are skipped: the request is reading them, so they are not stale.
 */
export function removeEntriesUnreadSince(
  prisma: PrismaClient,
  groupId: number,
  unreadSince: Date,
  options: CacheRemovalOptions = {},
): Promise<CacheRemovalOutcome> {
  return removeInBatches(prisma, { groupId, unreadSince }, options);
}

interface Selection {
  groupId: number;
  /** null: every entry (purge). */
  unreadSince: Date | null;
}

/**
 * One transaction per batch, so a large cache never holds locks for long and a worker killed
 * mid-way leaves a consistent, smaller cache that a redelivered job finishes. Ends when a batch
 * finds fewer rows than it may take in both tables.
 */
async function removeInBatches(
  prisma: PrismaClient,
  selection: Selection,
  options: CacheRemovalOptions,
): Promise<CacheRemovalOutcome> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const total: CacheRemovalOutcome = { manifests: 0, blobs: 0, storageDeletionsQueued: 0 };
  for (;;) {
    const batch = await prisma.$transaction((tx) => removeBatch(tx, selection, batchSize));
    total.manifests += batch.manifests;
    total.blobs += batch.blobs;
    total.storageDeletionsQueued += batch.storageDeletionsQueued;
    if (batch.manifests < batchSize && batch.blobs < batchSize) return total;
  }
}

async function removeBatch(
  tx: ProxyDb,
  selection: Selection,
  batchSize: number,
): Promise<CacheRemovalOutcome> {
  const { groupId, unreadSince } = selection;
  // TTL skips what a request holds (it is being read); a purge waits for it.
  const lock = unreadSince === null ? 'FOR UPDATE' : 'FOR UPDATE SKIP LOCKED';
  const manifests = await tx.$executeRawUnsafe(
    `DELETE FROM dependency_proxy.cached_manifests AS m
      USING (SELECT id FROM dependency_proxy.cached_manifests
              WHERE group_id = $1 AND ($2::timestamptz IS NULL OR read_at < $2::timestamptz)
              ORDER BY id LIMIT $3 ${lock}) AS doomed
      WHERE m.id = doomed.id`,
    groupId,
    unreadSince?.toISOString() ?? null,
    batchSize,
  );
  const deletedBlobs = await tx.$queryRawUnsafe<{ digest: string }[]>(
    `DELETE FROM dependency_proxy.cached_blobs AS b
      USING (SELECT id FROM dependency_proxy.cached_blobs
              WHERE group_id = $1 AND ($2::timestamptz IS NULL OR read_at < $2::timestamptz)
              ORDER BY id LIMIT $3 ${lock}) AS doomed
      WHERE b.id = doomed.id
      RETURNING b.digest`,
    groupId,
    unreadSince?.toISOString() ?? null,
    batchSize,
  );
  const digests = [...new Set(deletedBlobs.map((row) => row.digest))].sort();
  // A digest another group still caches keeps its object. One the check misses (a row another
  // transaction has not committed yet) is checked again by the storage deletion pass.
  const storageDeletionsQueued =
    digests.length === 0
      ? 0
      : await tx.$executeRaw`
          INSERT INTO dependency_proxy.storage_deletions (digest)
            SELECT d.digest FROM unnest(${digests}::text[]) AS d(digest)
              WHERE NOT EXISTS (SELECT 1 FROM dependency_proxy.cached_blobs b WHERE b.digest = d.digest)
              ORDER BY d.digest
            ON CONFLICT (digest) DO NOTHING`;
  return { manifests, blobs: deletedBlobs.length, storageDeletionsQueued };
}
