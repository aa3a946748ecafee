import type { PrismaClient, RegistryDb } from './client';
import { deleteTagBatch, DEFAULT_TAG_BATCH_SIZE } from './bulk-tag-deletion';
import { findCleanupPolicy } from './cleanup-policies';
import { evaluateCleanupPolicy } from './cleanup-policy-evaluation';

/**
 * A cleanup-policy run, queued by the scheduler or through the API and carried out by the
 * cleanup-worker. The policy row's `run_queued_at` says a run is in flight (the scheduler's
 * capacity counts it); each repository shows where its cleanup stands, with GitLab's statuses.
 */

export const CLEANUP_STATUS = {
  unscheduled: 'cleanup_unscheduled',
  scheduled: 'cleanup_scheduled',
  unfinished: 'cleanup_unfinished',
  ongoing: 'cleanup_ongoing',
} as const;

/** Records that a run of the project's policy is queued now; resolves with what undo restores. */
export async function markCleanupPolicyRunQueued(
  prisma: PrismaClient,
  projectId: number,
  queuedAt: Date,
): Promise<{ previousQueuedAt: Date | null }> {
  return prisma.$transaction(async (tx) => {
    const existing = await tx.containerExpirationPolicy.findUnique({ where: { projectId } });
    await tx.containerExpirationPolicy.upsert({
      where: { projectId },
      create: { projectId, runQueuedAt: queuedAt, createdAt: queuedAt, updatedAt: queuedAt },
      update: { runQueuedAt: queuedAt },
    });
    await tx.repository.updateMany({
      where: { projectId, status: null, expirationPolicyCleanupStatus: { not: CLEANUP_STATUS.ongoing } },
      data: { expirationPolicyCleanupStatus: CLEANUP_STATUS.scheduled },
    });
    return { previousQueuedAt: existing?.runQueuedAt ?? null };
  });
}

/** Takes back markCleanupPolicyRunQueued when the job could not be queued. */
export async function unmarkCleanupPolicyRunQueued(
  prisma: PrismaClient,
  projectId: number,
  queuedAt: Date,
  previousQueuedAt: Date | null,
): Promise<void> {
  await prisma.$transaction([
    prisma.containerExpirationPolicy.updateMany({
      where: { projectId, runQueuedAt: queuedAt },
      data: { runQueuedAt: previousQueuedAt },
    }),
    prisma.repository.updateMany({
      where: { projectId, expirationPolicyCleanupStatus: CLEANUP_STATUS.scheduled },
      data: { expirationPolicyCleanupStatus: CLEANUP_STATUS.unscheduled },
    }),
  ]);
}

export interface CleanupPolicyRunLimits {
  /** Most tags one run deletes (GitLab's container_registry_cleanup_tags_service_max_list_size). */
  maxListSize: number;
  /** No batch starts after this long (GitLab's container_registry_delete_tags_service_timeout). */
  timeoutMs: number;
  /** Tags deleted per transaction. */
  batchSize?: number;
}

export interface CleanupPolicyRunOutcome {
  deleted: number;
  /** False when the limits stopped it with tags still to delete: the caller queues the rest. */
  finished: boolean;
}

async function setStatus(db: RegistryDb, ids: bigint[], status: string, startedAt?: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.repository.updateMany({
    where: { id: { in: ids }, status: null },
    data: {
      expirationPolicyCleanupStatus: status,
      ...(startedAt ? { expirationPolicyStartedAt: startedAt } : {}),
    },
  });
}

/**
 * Runs the project's policy as saved now, on its tags as they were at `queuedAt`, deleting at
 * most `maxListSize` tags, oldest first, in batches, and starting no batch after `timeoutMs`
 * (but always one).
 * Idempotent: a redelivery evaluates again and finds only what is left; tags already deleted
 * are skipped by the batch. A run killed half-way leaves its repositories `cleanup_ongoing`
 * until the redelivered job finishes them.
 */
export async function runCleanupPolicy(
  prisma: PrismaClient,
  projectId: number,
  queuedAt: Date,
  limits: CleanupPolicyRunLimits,
  clock: () => number = Date.now,
): Promise<CleanupPolicyRunOutcome> {
  const startedAt = clock();
  const batchSize = limits.batchSize ?? DEFAULT_TAG_BATCH_SIZE;
  const policy = await findCleanupPolicy(prisma, projectId);
  const cleanups = await evaluateCleanupPolicy(prisma, projectId, policy, queuedAt);
  const ids = cleanups.map((cleanup) => cleanup.repository.id);
  await setStatus(prisma, ids, CLEANUP_STATUS.ongoing, new Date(startedAt));
  // At least one tag and one batch per run whatever the limits say, so every job makes progress
  // and a run that its limits cut short cannot re-queue itself forever.
  let budget = Math.max(1, limits.maxListSize);
  let batches = 0;
  let deleted = 0;
  const unfinished: bigint[] = [];
  for (const { repository, tags } of cleanups) {
    let done = 0;
    while (done < tags.length && budget > 0 && (batches === 0 || clock() - startedAt < limits.timeoutMs)) {
      batches++;
      const batch = tags.slice(done, done + Math.min(batchSize, budget));
      deleted += await deleteTagBatch(prisma, repository, batch, queuedAt);
      done += batch.length;
      budget -= batch.length;
    }
    if (done < tags.length) unfinished.push(repository.id);
  }
  const finishedIds = ids.filter((id) => !unfinished.includes(id));
  await setStatus(prisma, unfinished, CLEANUP_STATUS.unfinished);
  await setStatus(prisma, finishedIds, CLEANUP_STATUS.unscheduled);
  // Finished: no run in flight any more. Unfinished: the claim is refreshed, so a run that goes
  // on over many jobs never looks lost to the scheduler (STALE_RUN_MS).
  await prisma.containerExpirationPolicy.updateMany({
    where: { projectId },
    data: { runQueuedAt: unfinished.length === 0 ? null : new Date(clock()) },
  });
  return { deleted, finished: unfinished.length === 0 };
}
