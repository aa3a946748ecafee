import type { PrismaClient, RegistryDb, Repository } from './client';
import { recordContainerEvents } from './events';
import { queueManifestReview } from './gc-reviews';
import { selectTagsToDelete, type TagCleanupRules } from './tag-cleanup-rules';

/**
 * Bulk tag deletion (`DELETE .../tags` with patterns), as GitLab runs it: the API accepts at most
 * one request per repository an hour (`bulk_delete_started_at`) and queues a job; the
 * cleanup-worker selects the tags (tag-cleanup-rules.ts) and deletes them in bounded batches,
 * each tag with its `container.tag.deleted` event, leaving their manifests to GC review.
 */

export const BULK_TAG_DELETION_INTERVAL_MS = 60 * 60 * 1000;

export const DEFAULT_TAG_BATCH_SIZE = 100;

/**
 * Records that a bulk deletion starts now, unless one started within the hour. Resolves with
 * the value to restore (releaseBulkTagDeletion) should the job not be queued; null when refused.
 */
export async function claimBulkTagDeletion(
  db: RegistryDb,
  repository: Pick<Repository, 'id' | 'bulkDeleteStartedAt'>,
  now: Date,
): Promise<{ previous: Date | null } | null> {
  const previous = repository.bulkDeleteStartedAt;
  if (previous && now.getTime() - previous.getTime() < BULK_TAG_DELETION_INTERVAL_MS) return null;
  // Compare-and-set: of two requests at the same moment, one wins.
  const { count } = await db.repository.updateMany({
    where: { id: repository.id, bulkDeleteStartedAt: previous },
    data: { bulkDeleteStartedAt: now },
  });
  return count === 1 ? { previous } : null;
}

/** Gives the hour back when the job could not be queued. */
export async function releaseBulkTagDeletion(
  db: RegistryDb,
  repositoryId: bigint,
  claimedAt: Date,
  previous: Date | null,
): Promise<void> {
  await db.repository.updateMany({
    where: { id: repositoryId, bulkDeleteStartedAt: claimedAt },
    data: { bulkDeleteStartedAt: previous },
  });
}

export interface BulkTagDeletion {
  repositoryId: bigint;
  rules: TagCleanupRules;
  /** When the request was accepted: tags pushed after it are not the request's to delete. */
  requestedAt: Date;
}

/**
 * Deletes the named tags that were not pushed again since `requestedAt`, in one transaction,
 * each with its `container.tag.deleted` event, their manifests queued for GC review. Tags
 * already gone are skipped, so a batch delivered twice deletes once. Cleanup-policy runs share it.
 */
export async function deleteTagBatch(
  prisma: PrismaClient,
  repository: Repository,
  names: string[],
  requestedAt: Date,
): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const tags = await tx.tag.findMany({
      where: { repositoryId: repository.id, name: { in: names }, updatedAt: { lte: requestedAt } },
      include: { manifest: { select: { digest: true } } },
    });
    if (tags.length === 0) return 0;
    await tx.tag.deleteMany({ where: { id: { in: tags.map((tag) => tag.id) } } });
    for (const manifestId of new Set(tags.map((tag) => tag.manifestId))) {
      await queueManifestReview(tx, repository.id, manifestId, 'tag_delete');
    }
    await recordContainerEvents(
      tx,
      'container.tag.deleted',
      tags.map((tag) => ({
        repository: repository.path,
        project_id: repository.projectId,
        tag: tag.name,
        digest: tag.manifest.digest,
      })),
    );
    return tags.length;
  });
}

/**
 * Runs one bulk deletion; resolves with how many tags it deleted. Only tags as they were when
 * the request was accepted are considered, so a second delivery of the same job finds what the
 * first left (the kept ones) and deletes nothing more. A repository being deleted is skipped.
 */
export async function runBulkTagDeletion(
  prisma: PrismaClient,
  deletion: BulkTagDeletion,
  options: { batchSize?: number } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? DEFAULT_TAG_BATCH_SIZE;
  const repository = await prisma.repository.findUnique({ where: { id: deletion.repositoryId } });
  if (!repository || repository.status !== null) return 0;
  const candidates = await prisma.tag.findMany({
    where: { repositoryId: repository.id, updatedAt: { lte: deletion.requestedAt } },
    select: { name: true, createdAt: true, updatedAt: true },
  });
  const names = selectTagsToDelete(candidates, deletion.rules).map((tag) => tag.name);
  let deleted = 0;
  for (let start = 0; start < names.length; start += batchSize) {
    deleted += await deleteTagBatch(
      prisma,
      repository,
      names.slice(start, start + batchSize),
      deletion.requestedAt,
    );
  }
  return deleted;
}
