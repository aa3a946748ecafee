import type { RegistryDb } from '../client';

export interface GcBacklog {
  /** Reviews due now and not yet done. */
  dueManifestReviews: number;
  dueBlobReviews: number;
  /** Seconds since the oldest due review (of either kind) became due; 0 when none is due. */
  oldestDueReviewAgeSeconds: number;
  /** Stored objects of deleted blobs still to be removed (including failed attempts). */
  pendingStorageDeletions: number;
  /** When the next review becomes due, if none is due now: how long a worker may sleep. */
  nextReviewAt: Date | null;
}

/** How far behind garbage collection is, for metrics and for the worker's idle sleep. */
export async function gcBacklog(db: RegistryDb): Promise<GcBacklog> {
  const [row] = await db.$queryRaw<
    {
      due_manifests: bigint;
      due_blobs: bigint;
      oldest_due: Date | null;
      storage: bigint;
      next_review: Date | null;
      now: Date;
    }[]
  >`
    SELECT
      (SELECT count(*) FROM registry.gc_manifest_review_queue WHERE review_after <= now()) AS due_manifests,
      (SELECT count(*) FROM registry.gc_blob_review_queue WHERE review_after <= now()) AS due_blobs,
      LEAST(
        (SELECT min(review_after) FROM registry.gc_manifest_review_queue),
        (SELECT min(review_after) FROM registry.gc_blob_review_queue)) AS next_review,
      (SELECT count(*) FROM registry.gc_storage_deletions) AS storage,
      LEAST(
        (SELECT min(review_after) FROM registry.gc_manifest_review_queue WHERE review_after <= now()),
        (SELECT min(review_after) FROM registry.gc_blob_review_queue WHERE review_after <= now())) AS oldest_due,
      now() AS now`;
  const now = row!.now.getTime();
  return {
    dueManifestReviews: Number(row!.due_manifests),
    dueBlobReviews: Number(row!.due_blobs),
    oldestDueReviewAgeSeconds: row!.oldest_due ? Math.max(0, (now - row!.oldest_due.getTime()) / 1000) : 0,
    pendingStorageDeletions: Number(row!.storage),
    nextReviewAt: row!.next_review,
  };
}
