import type { RegistryDb } from './client';
import { Prisma } from './client';

/**
 * Online garbage collection, as GitLab's registry does it: whatever loses a reference is queued
 * for review after a delay, and the review (cleanup-worker, `src/gc/`) deletes it only if nothing
 * references it by then. The delay lets a client that is pushing right now finish linking what it
 * uploaded. It is kept in `gc_settings` (the registry writes REGISTRY_GC_REVIEW_DELAY there at
 * start-up), so every writer, in any service, queues with the same delay.
 *
 * Both queueings are one `INSERT ... ON CONFLICT DO UPDATE`: when a reviewer holds the row (it
 * may be about to drop it as "still referenced"), the insert waits and then lands as a new row,
 * so a reference lost concurrently with a review is never forgotten. Rows are written in digest
 * (or id) order, so two writers never lock the same rows in opposite orders.
 */

/** The delay a fresh installation uses until the registry writes its setting (GitLab's 24 hours). */
export const DEFAULT_GC_REVIEW_DELAY_MS = 24 * 60 * 60 * 1000;

/** The configured review delay (gc_settings, written by the registry at start-up), as an SQL interval. */
export const REVIEW_DELAY_SQL = Prisma.sql`((SELECT review_delay_ms FROM registry.gc_settings WHERE id = 1) * interval '1 millisecond')`;

/** `now() + the configured delay`, as SQL. */
export const REVIEW_AFTER_SQL = Prisma.sql`now() + ${REVIEW_DELAY_SQL}`;

/** Queues blobs for review; a blob already queued gets the later review time. */
export async function queueBlobReviews(db: RegistryDb, digests: string[], event: string): Promise<void> {
  const unique = [...new Set(digests)].sort();
  if (unique.length === 0) return;
  await db.$executeRaw`
    INSERT INTO registry.gc_blob_review_queue (digest, review_after, event)
    SELECT digest, ${REVIEW_AFTER_SQL}, ${event}
      FROM unnest(${unique}::text[]) AS digest ORDER BY digest
    ON CONFLICT (digest) DO UPDATE
      SET review_after = GREATEST(gc_blob_review_queue.review_after, EXCLUDED.review_after),
          event = EXCLUDED.event`;
}

/** Queues manifests of one repository (untagged now, or no longer in an index) for review. */
export async function queueManifestReviews(
  db: RegistryDb,
  repositoryId: bigint,
  manifestIds: bigint[],
  event: string,
): Promise<void> {
  const unique = [...new Set(manifestIds)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (unique.length === 0) return;
  await db.$executeRaw`
    INSERT INTO registry.gc_manifest_review_queue (repository_id, manifest_id, review_after, event)
    SELECT ${repositoryId}, manifest_id, ${REVIEW_AFTER_SQL}, ${event}
      FROM unnest(${unique}::bigint[]) AS manifest_id ORDER BY manifest_id
    ON CONFLICT (repository_id, manifest_id) DO UPDATE
      SET review_after = GREATEST(gc_manifest_review_queue.review_after, EXCLUDED.review_after),
          event = EXCLUDED.event`;
}

/** Queues one manifest for review. */
export async function queueManifestReview(
  db: RegistryDb,
  repositoryId: bigint,
  manifestId: bigint,
  event: string,
): Promise<void> {
  await queueManifestReviews(db, repositoryId, [manifestId], event);
}

/** Sets the review delay every later queueing uses (the registry calls it at start-up). */
export async function setGcReviewDelay(db: RegistryDb, delayMs: number): Promise<void> {
  await db.gcSettings.upsert({
    where: { id: 1 },
    create: { id: 1, reviewDelayMs: BigInt(delayMs) },
    update: { reviewDelayMs: BigInt(delayMs), updatedAt: new Date() },
  });
}

/** The review delay queueing uses now, in milliseconds. */
export async function gcReviewDelay(db: RegistryDb): Promise<number> {
  const settings = await db.gcSettings.findUnique({ where: { id: 1 } });
  return settings ? Number(settings.reviewDelayMs) : DEFAULT_GC_REVIEW_DELAY_MS;
}
