import type { PrismaClient, RegistryDb } from '../client';
import { REVIEW_AFTER_SQL, REVIEW_DELAY_SQL } from '../gc-reviews';
import { GC_BUSY_RETRY_SQL, REVIEW_HORIZON_SQL, type ReviewBatchOptions } from './review-batch';

export interface BlobReviewOutcome {
  /** Reviews claimed and settled (or rescheduled) in this batch. */
  reviewed: number;
  /** Repository links removed (no manifest of their repository references the blob). */
  unlinked: number;
  /** Blob rows deleted; their stored objects are queued in `gc_storage_deletions`. */
  deletedBlobs: number;
  deletedBytes: number;
  /** Reviews put off because a request held the blob or one of its links. */
  postponed: number;
}

const NOTHING: BlobReviewOutcome = {
  reviewed: 0,
  unlinked: 0,
  deletedBlobs: 0,
  deletedBytes: 0,
  postponed: 0,
};

/**
 * Reviews up to `batchSize` due blob reviews in one transaction, in two steps, as GitLab's
 * registry does:
 *
 * 1. A repository's link to the blob goes when no manifest of that repository references the
 *    blob and the link is older than the review delay (a blob pushed or mounted moments ago is
 *    kept for the manifest that will follow it).
 * 2. The blob row goes when no link remains, no manifest anywhere references it and no upload is
 *    committing it; its stored object is queued for deletion after this commit.
 *
 * The blob row and its links are locked `FOR UPDATE SKIP LOCKED` before anything is checked.
 * Every writer that adds a reference holds one of those rows (a push locks the links it names
 * `FOR SHARE`; an upload or mount writes the blob row), so a reference either committed before
 * the check (and is seen) or waits for this transaction (and then finds the link or blob gone and
 * is refused cleanly, or inserts the blob row again). Rows a request holds are skipped and their
 * review postponed: GC never waits for a request.
 */
export async function reviewDueBlobs(
  prisma: PrismaClient,
  options: ReviewBatchOptions,
): Promise<BlobReviewOutcome> {
  return prisma.$transaction((tx) => reviewBatch(tx, options.batchSize));
}

async function reviewBatch(tx: RegistryDb, batchSize: number): Promise<BlobReviewOutcome> {
  const claimed = (
    await tx.$queryRaw<{ digest: string }[]>`
      SELECT digest FROM registry.gc_blob_review_queue
        WHERE review_after <= now() ORDER BY review_after LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED`
  ).map((row) => row.digest);
  if (claimed.length === 0) return NOTHING;

  const existing = await tx.$queryRaw<{ digest: string }[]>`
    SELECT digest FROM registry.blobs WHERE digest = ANY(${claimed}::text[])`;
  const lockedBlobs = await tx.$queryRaw<{ digest: string }[]>`
    SELECT digest FROM registry.blobs WHERE digest = ANY(${claimed}::text[]) ORDER BY digest
      FOR UPDATE SKIP LOCKED`;
  const lockedDigests = lockedBlobs.map((row) => row.digest);
  // With the blob rows held no link can be added; only links a push holds FOR SHARE are skipped.
  const lockedLinks = await tx.$queryRaw<{ digest: string }[]>`
    SELECT digest FROM registry.repository_blobs WHERE digest = ANY(${lockedDigests}::text[])
      ORDER BY digest, repository_id FOR UPDATE SKIP LOCKED`;
  const linkTotals = await tx.$queryRaw<{ digest: string; total: bigint }[]>`
    SELECT digest, count(*) AS total FROM registry.repository_blobs
      WHERE digest = ANY(${lockedDigests}::text[]) GROUP BY digest`;
  const lockedLinkCounts = new Map<string, number>();
  for (const link of lockedLinks) {
    lockedLinkCounts.set(link.digest, (lockedLinkCounts.get(link.digest) ?? 0) + 1);
  }
  const linkCounts = linkTotals.filter(
    (row) => Number(row.total) !== (lockedLinkCounts.get(row.digest) ?? 0),
  );
  const busyLinks = new Set(linkCounts.map((row) => row.digest));
  const decidable = lockedDigests.filter((digest) => !busyLinks.has(digest));
  const lockedSet = new Set(lockedBlobs.map((row) => row.digest));
  const busy = [
    ...existing.map((row) => row.digest).filter((digest) => !lockedSet.has(digest)),
    ...busyLinks,
  ];

  const unlinked = await tx.$executeRaw`
    DELETE FROM registry.repository_blobs l
      WHERE l.digest = ANY(${decidable}::text[])
        AND l.created_at <= ${REVIEW_HORIZON_SQL}
        AND NOT EXISTS (
          SELECT 1 FROM registry.layers y JOIN registry.manifests m ON m.id = y.manifest_id
            WHERE y.digest = l.digest AND m.repository_id = l.repository_id)`;
  const deleted = await tx.$queryRaw<{ digest: string; size: bigint }[]>`
    DELETE FROM registry.blobs b
      WHERE b.digest = ANY(${decidable}::text[])
        AND NOT EXISTS (SELECT 1 FROM registry.repository_blobs l WHERE l.digest = b.digest)
        AND NOT EXISTS (SELECT 1 FROM registry.layers y WHERE y.digest = b.digest)
        AND NOT EXISTS (SELECT 1 FROM registry.uploads u WHERE u.committing_digest = b.digest)
      RETURNING b.digest, b.size`;
  const deletedDigests = deleted.map((row) => row.digest).sort();
  if (deletedDigests.length > 0) {
    await tx.$executeRaw`
      INSERT INTO registry.gc_storage_deletions (digest)
        SELECT digest FROM unnest(${deletedDigests}::text[]) AS digest ORDER BY digest
        ON CONFLICT (digest) DO NOTHING`;
  }

  // A blob kept only for a young link, or for an upload committing it, is looked at again when
  // that link comes of age; one kept for a manifest needs no review until it loses that.
  const deletedSet = new Set(deletedDigests);
  const kept = decidable.filter((digest) => !deletedSet.has(digest));
  const rescheduled = await tx.$queryRaw<{ digest: string }[]>`
    UPDATE registry.gc_blob_review_queue q
      SET review_after = greatest(pending.until, now()), review_count = q.review_count + 1
      FROM (
        SELECT l.digest, max(l.created_at) + ${REVIEW_DELAY_SQL} AS until
          FROM registry.repository_blobs l
          WHERE l.digest = ANY(${kept}::text[])
            AND NOT EXISTS (
              SELECT 1 FROM registry.layers y JOIN registry.manifests m ON m.id = y.manifest_id
                WHERE y.digest = l.digest AND m.repository_id = l.repository_id)
          GROUP BY l.digest
        UNION ALL
        SELECT u.committing_digest, ${REVIEW_AFTER_SQL}
          FROM registry.uploads u WHERE u.committing_digest = ANY(${kept}::text[])
      ) pending
      WHERE q.digest = pending.digest
      RETURNING q.digest`;
  const rescheduledSet = new Set(rescheduled.map((row) => row.digest));
  const busySet = new Set(busy);
  const settled = claimed.filter((digest) => !rescheduledSet.has(digest) && !busySet.has(digest));
  await tx.$executeRaw`
    DELETE FROM registry.gc_blob_review_queue WHERE digest = ANY(${settled}::text[])`;
  if (busy.length > 0) {
    await tx.$executeRaw`
      UPDATE registry.gc_blob_review_queue
        SET review_after = ${GC_BUSY_RETRY_SQL}, review_count = review_count + 1
        WHERE digest = ANY(${busy}::text[])`;
  }
  return {
    reviewed: claimed.length - busy.length,
    unlinked,
    deletedBlobs: deleted.length,
    deletedBytes: deleted.reduce((sum, row) => sum + Number(row.size), 0),
    postponed: busy.length,
  };
}
