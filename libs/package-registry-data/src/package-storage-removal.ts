import { deleteObjectsOlderThan, type BlobStore, type StaleObjectOutcome } from '@stowage/blob-store';
import type { PackageDb, PrismaClient } from './client';
import { PACKAGE_UPLOADS_PREFIX, PACKAGES_PREFIX } from './storage-keys';

export interface PackageStorageOptions {
  /** Deletion rows claimed per transaction. */
  batchSize?: number;
  /** What counts as now (tests); rows due at or before it are worked on. */
  now?: Date;
}

export interface PackageStorageOutcome {
  /** Objects removed from storage. */
  deleted: number;
  /** Deletions dropped because a package file uses the key again. */
  cancelled: number;
  /** Storage deletes that failed; their rows wait longer each time (attempts, due_at). */
  failed: number;
}

const DEFAULT_BATCH_SIZE = 50;
/** A failed delete is retried after 1, 2, 4... minutes, at most a day apart. */
const RETRY_BASE_MS = 60_000;
const RETRY_MAX_MS = 24 * 60 * 60 * 1000;

export function retryDelayMs(attempts: number): number {
  return Math.min(RETRY_BASE_MS * 2 ** Math.min(attempts, 20), RETRY_MAX_MS);
}

/**
 * Removes the objects of due `package_storage_deletions` rows, one batch per transaction. Rows
 * are claimed `FOR UPDATE SKIP LOCKED` (replicas share them); a key some package file uses again
 * only leaves the queue. A publish of the same bytes takes its key out of the queue before it
 * moves the object in (cancelStorageDeletion waits for this claim), so no object a file points
 * at is removed. A failed delete keeps its row, pushed back with a growing delay.
 */
export async function deletePackageStorage(
  prisma: PrismaClient,
  blobs: BlobStore,
  options: PackageStorageOptions = {},
): Promise<PackageStorageOutcome> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const total: PackageStorageOutcome = { deleted: 0, cancelled: 0, failed: 0 };
  for (;;) {
    const now = options.now ?? new Date();
    // Storage calls run inside the transaction (the rows stay claimed meanwhile); S3 may be slow.
    const batch = await prisma.$transaction((tx) => deleteBatch(tx, blobs, batchSize, now), {
      timeout: 60_000,
    });
    total.deleted += batch.deleted;
    total.cancelled += batch.cancelled;
    total.failed += batch.failed;
    // Failed rows are due later, so the next batch never claims them again in this call.
    if (batch.deleted + batch.cancelled + batch.failed < batchSize) return total;
  }
}

async function deleteBatch(
  tx: PackageDb,
  blobs: BlobStore,
  batchSize: number,
  now: Date,
): Promise<PackageStorageOutcome> {
  const claimed = await tx.$queryRaw<{ storage_key: string; attempts: number }[]>`
    SELECT storage_key, attempts FROM package_registry.package_storage_deletions
      WHERE due_at <= ${now}
      ORDER BY due_at, storage_key LIMIT ${batchSize}
      FOR UPDATE SKIP LOCKED`;
  if (claimed.length === 0) return { deleted: 0, cancelled: 0, failed: 0 };
  const keys = claimed.map((row) => row.storage_key);
  const used = new Set(
    (
      await tx.$queryRaw<{ storage_key: string }[]>`
        SELECT DISTINCT storage_key FROM package_registry.package_files
          WHERE storage_key = ANY(${keys}::text[])`
    ).map((row) => row.storage_key),
  );
  const orphaned = claimed.filter((row) => !used.has(row.storage_key));
  const results = await Promise.allSettled(orphaned.map((row) => deleteObject(blobs, row.storage_key)));
  const failed = orphaned.filter((_, index) => results[index]!.status === 'rejected');
  const failedKeys = new Set(failed.map((row) => row.storage_key));
  const done = keys.filter((key) => !failedKeys.has(key));
  await tx.$executeRaw`
    DELETE FROM package_registry.package_storage_deletions WHERE storage_key = ANY(${done}::text[])`;
  for (const row of failed) {
    const dueAt = new Date(now.getTime() + retryDelayMs(row.attempts));
    await tx.$executeRaw`
      UPDATE package_registry.package_storage_deletions
         SET attempts = attempts + 1, due_at = ${dueAt}
       WHERE storage_key = ${row.storage_key}`;
  }
  return { deleted: orphaned.length - failed.length, cancelled: used.size, failed: failed.length };
}

/** Only the package registry's own prefix is ever deleted from; a row naming anything else is dropped. */
async function deleteObject(blobs: BlobStore, key: string): Promise<void> {
  if (!key.startsWith(PACKAGES_PREFIX)) return;
  await blobs.delete(key);
}

/** An upload streams one file; none takes a day, so an older staging object is a crashed upload's. */
export const STALE_UPLOAD_MS = 24 * 60 * 60 * 1000;

/** Deletes what uploads that crashed left under `packages/uploads/` (older than a day by default). */
export function deleteStaleUploads(
  blobs: BlobStore,
  options: { olderThanMs?: number; limit?: number; now?: Date } = {},
): Promise<StaleObjectOutcome> {
  return deleteObjectsOlderThan(blobs, PACKAGE_UPLOADS_PREFIX, {
    ...options,
    olderThanMs: options.olderThanMs ?? STALE_UPLOAD_MS,
  });
}
