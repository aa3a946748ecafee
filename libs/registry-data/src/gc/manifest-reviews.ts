import type { PrismaClient, RegistryDb } from '../client';
import { queueBlobReviews, queueManifestReviews } from '../gc-reviews';
import { GC_BUSY_RETRY_SQL, type ReviewBatchOptions } from './review-batch';

export interface ManifestReviewOutcome {
  /** Reviews claimed and settled in this batch. */
  reviewed: number;
  /** Manifests deleted (untagged and in no index). */
  deleted: number;
  /** Reviews put off because a push held the manifest (they come round again shortly). */
  postponed: number;
}

interface ClaimedReview {
  repository_id: bigint;
  manifest_id: bigint;
}

/**
 * Reviews up to `batchSize` due manifest reviews in one transaction: a manifest that no tag and
 * no index references is deleted, with its layers and index references; its blobs and its
 * children are queued for review. Reviews are claimed with `FOR UPDATE SKIP LOCKED`, so any
 * number of workers share the queue, and manifests are locked the same way: one a push is
 * tagging or naming in an index right now is skipped and its review postponed, so GC never
 * waits for a request. A worker killed mid-batch rolls back: its reviews stay due.
 */
export async function reviewDueManifests(
  prisma: PrismaClient,
  options: ReviewBatchOptions,
): Promise<ManifestReviewOutcome> {
  return prisma.$transaction((tx) => reviewBatch(tx, options.batchSize));
}

async function reviewBatch(tx: RegistryDb, batchSize: number): Promise<ManifestReviewOutcome> {
  const claimed = await tx.$queryRaw<ClaimedReview[]>`
    SELECT repository_id, manifest_id FROM registry.gc_manifest_review_queue
      WHERE review_after <= now() ORDER BY review_after LIMIT ${batchSize}
      FOR UPDATE SKIP LOCKED`;
  if (claimed.length === 0) return { reviewed: 0, deleted: 0, postponed: 0 };
  const ids = claimed.map((review) => review.manifest_id);
  const existing = await tx.$queryRaw<{ id: bigint }[]>`
    SELECT id FROM registry.manifests WHERE id = ANY(${ids}::bigint[])`;
  const locked = await tx.$queryRaw<{ id: bigint }[]>`
    SELECT id FROM registry.manifests WHERE id = ANY(${ids}::bigint[]) ORDER BY id
      FOR UPDATE SKIP LOCKED`;
  const lockedIds = locked.map((row) => row.id);
  const lockedSet = new Set(lockedIds);
  const busy = existing.map((row) => row.id).filter((id) => !lockedSet.has(id));

  // What the candidates reference, read before the cascade removes it.
  const layers = await tx.$queryRaw<{ manifest_id: bigint; digest: string }[]>`
    SELECT manifest_id, digest FROM registry.layers WHERE manifest_id = ANY(${lockedIds}::bigint[])`;
  const children = await tx.$queryRaw<{ parent_id: bigint; child_id: bigint }[]>`
    SELECT parent_id, child_id FROM registry.manifest_references
      WHERE parent_id = ANY(${lockedIds}::bigint[])`;
  const deleted = await tx.$queryRaw<{ id: bigint; repository_id: bigint }[]>`
    DELETE FROM registry.manifests m
      WHERE m.id = ANY(${lockedIds}::bigint[])
        AND NOT EXISTS (SELECT 1 FROM registry.tags t WHERE t.manifest_id = m.id)
        AND NOT EXISTS (SELECT 1 FROM registry.manifest_references r WHERE r.child_id = m.id)
      RETURNING m.id, m.repository_id`;
  const deletedIds = new Set(deleted.map((row) => row.id));

  // Settled first: a child in this same batch is queued again below, as a new row.
  const busySet = new Set(busy);
  const settled = claimed.filter((review) => !busySet.has(review.manifest_id));
  await tx.$executeRaw`
    DELETE FROM registry.gc_manifest_review_queue
      WHERE manifest_id = ANY(${settled.map((review) => review.manifest_id)}::bigint[])`;
  if (busy.length > 0) {
    await tx.$executeRaw`
      UPDATE registry.gc_manifest_review_queue
        SET review_after = ${GC_BUSY_RETRY_SQL}, review_count = review_count + 1
        WHERE manifest_id = ANY(${busy}::bigint[])`;
  }
  // Children (manifest reviews) before blobs: the lock order every writer keeps.
  const childrenByRepository = new Map<bigint, bigint[]>();
  for (const row of deleted) {
    const kids = children.filter((child) => child.parent_id === row.id).map((child) => child.child_id);
    if (kids.length > 0) {
      childrenByRepository.set(row.repository_id, [
        ...(childrenByRepository.get(row.repository_id) ?? []),
        ...kids,
      ]);
    }
  }
  for (const [repositoryId, kids] of childrenByRepository) {
    await queueManifestReviews(tx, repositoryId, kids, 'manifest_delete');
  }
  await queueBlobReviews(
    tx,
    layers.filter((layer) => deletedIds.has(layer.manifest_id)).map((layer) => layer.digest),
    'manifest_delete',
  );

  return { reviewed: settled.length, deleted: deleted.length, postponed: busy.length };
}
