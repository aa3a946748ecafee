import type { BlobStore } from '@stowage/blob-store';
import type { PrismaClient, RegistryDb } from '../client';
import { blobKey } from '../storage-keys';

export interface StorageDeletionOutcome {
  /** Objects removed from storage. */
  deleted: number;
  /** Deletions dropped because the digest is in use again (re-pushed, or being committed). */
  cancelled: number;
  /** Storage deletes that failed; retried later with backoff. */
  failed: number;
}

export interface StorageDeletionOptions {
  batchSize: number;
}

/**
 * Deletes the stored objects of blob rows GC deleted, up to `batchSize` per transaction. Each
 * pending deletion is claimed `FOR UPDATE SKIP LOCKED` and held while its object is deleted. An
 * upload committing the same digest first deletes that row (markUploadCommitting), so it waits
 * until the object is gone before it writes its own; and one statement checks that no blob row
 * exists and no upload is committing the digest, so an object a row needs is never deleted
 * (ADR 0008). A failed delete is kept with a later `next_attempt_at`: nothing is lost, and the
 * object is deleted by a later pass.
 */
export async function deleteCollectedObjects(
  prisma: PrismaClient,
  blobs: BlobStore,
  options: StorageDeletionOptions,
): Promise<StorageDeletionOutcome> {
  return prisma.$transaction((tx) => deleteBatch(tx, blobs, options.batchSize), {
    // Storage calls run inside this transaction; S3 may take a while under load.
    timeout: 60_000,
  });
}

async function deleteBatch(
  tx: RegistryDb,
  blobs: BlobStore,
  batchSize: number,
): Promise<StorageDeletionOutcome> {
  const claimed = (
    await tx.$queryRaw<{ digest: string }[]>`
      SELECT digest FROM registry.gc_storage_deletions
        WHERE next_attempt_at <= now() ORDER BY next_attempt_at LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED`
  ).map((row) => row.digest);
  if (claimed.length === 0) return { deleted: 0, cancelled: 0, failed: 0 };
  const orphaned = (
    await tx.$queryRaw<{ digest: string }[]>`
      SELECT d.digest FROM unnest(${claimed}::text[]) AS d(digest)
        WHERE NOT EXISTS (SELECT 1 FROM registry.blobs b WHERE b.digest = d.digest)
          AND NOT EXISTS (SELECT 1 FROM registry.uploads u WHERE u.committing_digest = d.digest)`
  ).map((row) => row.digest);
  const results = await Promise.allSettled(orphaned.map((digest) => blobs.delete(blobKey(digest))));
  const failures = new Map<string, string>();
  results.forEach((result, index) => {
    if (result.status === 'rejected') failures.set(orphaned[index]!, describe(result.reason));
  });
  const done = claimed.filter((digest) => !failures.has(digest));
  await tx.$executeRaw`DELETE FROM registry.gc_storage_deletions WHERE digest = ANY(${done}::text[])`;
  for (const [digest, error] of failures) {
    // Backoff before retry n: 2^n seconds, at most an hour.
    await tx.$executeRaw`
      UPDATE registry.gc_storage_deletions
        SET attempts = attempts + 1, last_error = ${error},
            next_attempt_at = now() + LEAST(3600, power(2, attempts + 1)) * interval '1 second'
        WHERE digest = ${digest}`;
  }
  return {
    deleted: orphaned.length - failures.size,
    cancelled: claimed.length - orphaned.length,
    failed: failures.size,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 1000) : String(error);
}
