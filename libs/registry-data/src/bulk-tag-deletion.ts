import type { PrismaClient, RegistryDb, Repository } from './client';
import { recordContainerEvents } from './events';
import { queueManifestReviews } from './gc-reviews';
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
 *
 * The tags and their manifests come from the DELETE itself, not from an earlier read: a push
 * may move a tag between the evaluation and this batch. Such a tag is spared (`updated_at` is
 * in the DELETE's WHERE, which PostgreSQL re-checks on the row a concurrent push committed): it
 * now names an image pushed after the request, which the rules never judged, just as a tag
 * pushed before the evaluation is not a candidate. Whatever is deleted, the manifest queued and
 * the event's digest are those the tag pointed to when it went, so no untagged manifest is left
 * unreviewed even if clocks disagree and a moved tag goes after all.
 */
export async function deleteTagBatch(
  prisma: PrismaClient,
  repository: Repository,
  names: string[],
  requestedAt: Date,
): Promise<number> {
  if (names.length === 0) return 0;
  return prisma.$transaction(async (tx) => {
    const deleted = await tx.$queryRaw<{ name: string; manifestId: bigint }[]>`
      DELETE FROM registry.tags
        WHERE repository_id = ${repository.id} AND name = ANY(${names}::text[])
          AND updated_at <= ${requestedAt.toISOString()}::timestamptz
        RETURNING name, manifest_id AS "manifestId"`;
    if (deleted.length === 0) return 0;
    // Digests in a second statement, as deleteTag reads them: the DELETE's snapshot may predate
    // a manifest a concurrent push stored.
    const manifestIds = [...new Set(deleted.map((tag) => tag.manifestId))];
    const manifests = await tx.manifest.findMany({
      where: { id: { in: manifestIds } },
      select: { id: true, digest: true },
    });
    const digestOf = new Map(manifests.map((manifest) => [manifest.id, manifest.digest]));
    await queueManifestReviews(tx, repository.id, manifestIds, 'tag_delete');
    deleted.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    await recordContainerEvents(
      tx,
      'container.tag.deleted',
      deleted.map((tag) => ({
        repository: repository.path,
        project_id: repository.projectId,
        tag: tag.name,
        digest: digestOf.get(tag.manifestId)!,
      })),
    );
    return deleted.length;
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
