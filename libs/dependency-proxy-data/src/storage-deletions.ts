import { deleteObjectsOlderThan, type BlobStore, type StaleObjectOutcome } from '@stowage/blob-store';
import type { PrismaClient, ProxyDb } from './client';
import { DEPENDENCY_PROXY_PREFIX, proxyBlobKey } from './storage-keys';

export interface ProxyStorageDeletionOptions {
  /** Deletion rows claimed per transaction. */
  batchSize?: number;
}

export interface ProxyStorageDeletionOutcome {
  /** Objects removed from storage. */
  deleted: number;
  /** Deletions dropped because a cached_blobs row names the digest again. */
  cancelled: number;
  /** Storage deletes that failed; their rows stay for a later pass. */
  failed: number;
}

const DEFAULT_BATCH_SIZE = 50;

/**
 * Deletes the objects of digests no group caches any more, one batch per transaction: rows of
 * `storage_deletions` are claimed `FOR UPDATE SKIP LOCKED` (replicas share them), a digest some
 * cached_blobs row names again is only dropped from the queue, the others' objects are deleted and
 * then their rows. Unlike the registry (ADR 0008) nothing marks a fetch in progress, and nothing
 * needs to: the proxy fetches first and inserts its row after, so a fetch racing with this pass
 * can end with a row whose object was just deleted, and the proxy treats a row without its object
 * as a miss and fetches it again. The race costs one upstream fetch, never a wrong answer.
 */
export async function deleteProxyStorageBatch(
  prisma: PrismaClient,
  blobs: BlobStore,
  options: ProxyStorageDeletionOptions = {},
): Promise<ProxyStorageDeletionOutcome> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  // Storage calls run inside the transaction (the rows stay claimed meanwhile); S3 may be slow.
  return prisma.$transaction((tx) => deleteBatch(tx, blobs, batchSize), { timeout: 60_000 });
}

/**
 * Runs batches until one finds less than a full batch or gets nothing done (every delete failed:
 * storage is down, the next pass retries). What a purge or TTL job calls after removing entries.
 */
export async function deleteProxyStorage(
  prisma: PrismaClient,
  blobs: BlobStore,
  options: ProxyStorageDeletionOptions = {},
): Promise<ProxyStorageDeletionOutcome> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const total: ProxyStorageDeletionOutcome = { deleted: 0, cancelled: 0, failed: 0 };
  for (;;) {
    const batch = await deleteProxyStorageBatch(prisma, blobs, { batchSize });
    total.deleted += batch.deleted;
    total.cancelled += batch.cancelled;
    total.failed += batch.failed;
    const claimed = batch.deleted + batch.cancelled + batch.failed;
    if (claimed < batchSize || batch.failed === claimed) return total;
  }
}

async function deleteBatch(
  tx: ProxyDb,
  blobs: BlobStore,
  batchSize: number,
): Promise<ProxyStorageDeletionOutcome> {
  const claimed = (
    await tx.$queryRaw<{ digest: string }[]>`
      SELECT digest FROM dependency_proxy.storage_deletions
        ORDER BY created_at, digest LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED`
  ).map((row) => row.digest);
  if (claimed.length === 0) return { deleted: 0, cancelled: 0, failed: 0 };
  const orphaned = (
    await tx.$queryRaw<{ digest: string }[]>`
      SELECT d.digest FROM unnest(${claimed}::text[]) AS d(digest)
        WHERE NOT EXISTS (SELECT 1 FROM dependency_proxy.cached_blobs b WHERE b.digest = d.digest)`
  ).map((row) => row.digest);
  const results = await Promise.allSettled(orphaned.map((digest) => deleteObject(blobs, digest)));
  const failed = new Set(orphaned.filter((_, index) => results[index]!.status === 'rejected'));
  const done = claimed.filter((digest) => !failed.has(digest));
  await tx.$executeRaw`
    DELETE FROM dependency_proxy.storage_deletions WHERE digest = ANY(${done}::text[])`;
  if (failed.size > 0) {
    // To the back of the queue: the table has no backoff column, and a digest storage keeps
    // refusing must not take every batch's room from the others.
    await tx.$executeRaw`
      UPDATE dependency_proxy.storage_deletions SET created_at = now()
        WHERE digest = ANY(${[...failed]}::text[])`;
  }
  return {
    deleted: orphaned.length - failed.size,
    cancelled: claimed.length - orphaned.length,
    failed: failed.size,
  };
}

/** A row with a malformed digest names no object: dropping it is all there is to do. */
async function deleteObject(blobs: BlobStore, digest: string): Promise<void> {
  let key: string;
  try {
    key = proxyBlobKey(digest);
  } catch {
    return;
  }
  await blobs.delete(key);
}

/** Where fetches in progress write (storage-keys.ts's fetchKey). */
const FETCHES_PREFIX = `${DEPENDENCY_PROXY_PREFIX}fetches/`;

/** A fetch streams one blob; none takes a day, so an older object is a crashed fetch's. */
export const STALE_FETCH_MS = 24 * 60 * 60 * 1000;

export interface StaleFetchOptions {
  /** Objects older than this are deleted (default a day). */
  olderThanMs?: number;
  /** Most objects deleted per call, so one pass stays short. */
  limit?: number;
  now?: Date;
}

export type StaleFetchOutcome = StaleObjectOutcome;

/**
 * Deletes what fetches that crashed (process killed mid-stream) left under
 * `dependency-proxy/fetches/`; a fetch that is still running is younger than the cutoff.
 */
export function deleteStaleFetches(
  blobs: BlobStore,
  options: StaleFetchOptions = {},
): Promise<StaleFetchOutcome> {
  return deleteObjectsOlderThan(blobs, FETCHES_PREFIX, {
    ...options,
    olderThanMs: options.olderThanMs ?? STALE_FETCH_MS,
  });
}
