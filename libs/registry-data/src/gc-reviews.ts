import type { RegistryDb } from './client';

/**
 * Online garbage collection, as GitLab's registry does it: whatever loses a reference is queued
 * for review after a delay, and the review (cleanup-worker) deletes it only if nothing references
 * it by then. The delay lets a client that is pushing right now finish linking what it uploaded.
 */
export const GC_REVIEW_DELAY_MS = 24 * 60 * 60 * 1000;

function reviewAfter(): Date {
  return new Date(Date.now() + GC_REVIEW_DELAY_MS);
}

/** Queues blobs for review; a blob already queued gets the later review time. */
export async function queueBlobReviews(db: RegistryDb, digests: string[], event: string): Promise<void> {
  const after = reviewAfter();
  for (const digest of new Set(digests)) {
    await db.gcBlobReview.upsert({
      where: { digest },
      create: { digest, reviewAfter: after, event },
      update: { reviewAfter: after, event },
    });
  }
}

/** Queues a manifest (untagged now, or no longer in an index) for review. */
export async function queueManifestReview(
  db: RegistryDb,
  repositoryId: bigint,
  manifestId: bigint,
  event: string,
): Promise<void> {
  const after = reviewAfter();
  await db.gcManifestReview.upsert({
    where: { repositoryId_manifestId: { repositoryId, manifestId } },
    create: { repositoryId, manifestId, reviewAfter: after, event },
    update: { reviewAfter: after, event },
  });
}
