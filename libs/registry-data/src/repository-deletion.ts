import type { BlobStore } from '@stowage/blob-store';
import type { PrismaClient, RegistryDb, Repository } from './client';
import { recordContainerEvent } from './events';
import { queueBlobReviews } from './gc-reviews';
import { uploadDataKey } from './storage-keys';

/**
 * Deleting a repository, as GitLab does it: the API marks it `delete_scheduled` (pushes stop at
 * once) and queues a job; the cleanup-worker marks it `delete_ongoing`, removes its tags,
 * manifests, blob links and uploads in bounded batches (each its own transaction, so a crash
 * resumes where it stopped), queues the blobs for GC review, and removes the row last, with
 * `container.repository.deleted`. Running a deletion twice has the effect of running it once.
 */

export const DELETE_SCHEDULED = 'delete_scheduled';
export const DELETE_ONGOING = 'delete_ongoing';
export const DELETE_FAILED = 'delete_failed';

export const DEFAULT_DELETION_BATCH_SIZE = 100;

export type ScheduleOutcome =
  /** Marked now; `previousStatus` undoes it if the job cannot be queued. */
  | { scheduled: true; previousStatus: string | null }
  /** A deletion is already scheduled or running. */
  | { scheduled: false };

/** Marks the repository for deletion, unless a deletion is already under way. */
export async function scheduleRepositoryDeletion(
  db: RegistryDb,
  repository: Pick<Repository, 'id' | 'status'>,
): Promise<ScheduleOutcome> {
  // A deletion that gave up may be asked for again; one in progress is left alone.
  if (repository.status !== null && repository.status !== DELETE_FAILED) return { scheduled: false };
  const { count } = await db.repository.updateMany({
    where: { id: repository.id, status: repository.status },
    data: { status: DELETE_SCHEDULED },
  });
  return count === 1 ? { scheduled: true, previousStatus: repository.status } : { scheduled: false };
}

/** Undoes scheduleRepositoryDeletion when no job could be queued, unless a worker already began. */
export async function revertRepositoryDeletion(
  db: RegistryDb,
  repositoryId: bigint,
  previousStatus: string | null,
): Promise<void> {
  await db.repository.updateMany({
    where: { id: repositoryId, status: DELETE_SCHEDULED },
    data: { status: previousStatus },
  });
}

/** The worker gave up (its retries are spent): the API may schedule the deletion again. */
export async function markRepositoryDeletionFailed(db: RegistryDb, repositoryId: bigint): Promise<void> {
  await db.repository.updateMany({
    where: { id: repositoryId, status: { not: null } },
    data: { status: DELETE_FAILED },
  });
}

export type DeletionOutcome = 'deleted' | 'already_gone' | 'not_scheduled';

export interface RepositoryDeletionOptions {
  prisma: PrismaClient;
  /** Where abandoned uploads keep their parts. */
  blobs: BlobStore;
  /** Rows removed per transaction. */
  batchSize?: number;
}

/** Two deliveries of one deletion ran at once; the job is retried and finds less to do. */
export class ConcurrentDeletionError extends Error {
  constructor(path: string) {
    super(`repository ${path} is being deleted by another worker`);
    this.name = 'ConcurrentDeletionError';
  }
}

async function deleteTags(prisma: PrismaClient, repository: Repository, batchSize: number): Promise<void> {
  for (;;) {
    const tags = await prisma.tag.findMany({
      where: { repositoryId: repository.id },
      orderBy: { id: 'asc' },
      take: batchSize,
      include: { manifest: { select: { digest: true } } },
    });
    if (tags.length === 0) return;
    await prisma.$transaction(async (tx) => {
      const { count } = await tx.tag.deleteMany({ where: { id: { in: tags.map((tag) => tag.id) } } });
      // Another delivery of this job removed them meanwhile: it recorded their events.
      if (count !== tags.length) throw new ConcurrentDeletionError(repository.path);
      for (const tag of tags) {
        await recordContainerEvent(tx, 'container.tag.deleted', {
          repository: repository.path,
          project_id: repository.projectId,
          tag: tag.name,
          digest: tag.manifest.digest,
        });
      }
    });
  }
}

async function deleteManifests(prisma: PrismaClient, repositoryId: bigint, batchSize: number): Promise<void> {
  for (;;) {
    const manifests = await prisma.manifest.findMany({
      where: { repositoryId },
      orderBy: { id: 'asc' },
      take: batchSize,
      select: { id: true, layers: { select: { digest: true } } },
    });
    if (manifests.length === 0) return;
    await prisma.$transaction(async (tx) => {
      await tx.manifest.deleteMany({ where: { id: { in: manifests.map((manifest) => manifest.id) } } });
      const digests = manifests.flatMap((manifest) => manifest.layers.map((layer) => layer.digest));
      await queueBlobReviews(tx, digests, 'repository_delete');
    });
  }
}

async function unlinkBlobs(prisma: PrismaClient, repositoryId: bigint, batchSize: number): Promise<void> {
  for (;;) {
    const links = await prisma.repositoryBlob.findMany({
      where: { repositoryId },
      orderBy: { digest: 'asc' },
      take: batchSize,
      select: { digest: true },
    });
    if (links.length === 0) return;
    const digests = links.map((link) => link.digest);
    await prisma.$transaction(async (tx) => {
      // The review rows first: the lock order of every writer (ADR 0008).
      await queueBlobReviews(tx, digests, 'repository_delete');
      await tx.repositoryBlob.deleteMany({ where: { repositoryId, digest: { in: digests } } });
    });
  }
}

async function discardUploads(
  prisma: PrismaClient,
  blobs: BlobStore,
  repositoryId: bigint,
  batchSize: number,
): Promise<void> {
  for (;;) {
    const uploads = await prisma.upload.findMany({ where: { repositoryId }, take: batchSize });
    if (uploads.length === 0) return;
    // Storage first: a row removed before its parts would leave them unreachable.
    await Promise.allSettled(
      uploads.flatMap((upload) => [
        ...(upload.multipartUploadId
          ? [blobs.abortMultipartUpload(uploadDataKey(upload.id), upload.multipartUploadId)]
          : []),
        ...(upload.tailKey ? [blobs.delete(upload.tailKey)] : []),
      ]),
    );
    await prisma.upload.deleteMany({ where: { id: { in: uploads.map((upload) => upload.id) } } });
  }
}

/** Removes the row with its event, in one transaction, unless something was added meanwhile. */
async function removeIfEmpty(prisma: PrismaClient, repository: Repository): Promise<boolean> {
  const repositoryId = repository.id;
  return prisma.$transaction(async (tx) => {
    const leftovers =
      (await tx.tag.count({ where: { repositoryId } })) +
      (await tx.manifest.count({ where: { repositoryId } })) +
      (await tx.repositoryBlob.count({ where: { repositoryId } })) +
      (await tx.upload.count({ where: { repositoryId } }));
    if (leftovers > 0) return false;
    await tx.gcManifestReview.deleteMany({ where: { repositoryId } });
    const { count } = await tx.repository.deleteMany({ where: { id: repositoryId } });
    if (count > 0) {
      await recordContainerEvent(tx, 'container.repository.deleted', {
        repository: repository.path,
        project_id: repository.projectId,
      });
    }
    return true;
  });
}

/** Runs a scheduled deletion to its end (see the top of this file). */
export async function runRepositoryDeletion(
  options: RepositoryDeletionOptions,
  repositoryId: bigint,
): Promise<DeletionOutcome> {
  const { prisma, blobs } = options;
  const batchSize = options.batchSize ?? DEFAULT_DELETION_BATCH_SIZE;
  const repository = await prisma.repository.findUnique({ where: { id: repositoryId } });
  if (!repository) return 'already_gone';
  // The API reverted the schedule (it could not queue this job), or nobody asked.
  if (repository.status === null) return 'not_scheduled';
  await prisma.repository.updateMany({
    where: { id: repositoryId, status: { not: null } },
    data: { status: DELETE_ONGOING },
  });
  // A push that began before the schedule may still land something; go round until the
  // repository is empty, so everything it held is reviewed and announced before the row goes.
  for (;;) {
    await deleteTags(prisma, repository, batchSize);
    await deleteManifests(prisma, repositoryId, batchSize);
    await unlinkBlobs(prisma, repositoryId, batchSize);
    await discardUploads(prisma, blobs, repositoryId, batchSize);
    if (await removeIfEmpty(prisma, repository)) break;
  }
  return 'deleted';
}
