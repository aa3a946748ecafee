import type { PrismaClient } from './client';
import { cadenceIntervalSql } from './cleanup-policy';
import { CLEANUP_STATUS } from './cleanup-policy-runs';
import { REGISTRY_SCHEMA } from './schema';

/**
 * The scheduler's side of the policy table: which enabled policies are due, claimed so that any
 * number of schedulers (one per cleanup-worker replica) queue each run once.
 */

/**
 * A run queued longer ago than this no longer counts against the capacity and its policy may be
 * claimed again: its job was lost (dead-lettered, or the queue purged). Runs that go on in several
 * jobs refresh their claim at each job.
 */
export const STALE_RUN_MS = 24 * 60 * 60 * 1000;

/** One key for every scheduler of the schema: claims are serialised, so capacity holds exactly. */
const SCHEDULER_LOCK_KEY = 0x7374_6f77; // "stow"

const POLICIES = `"${REGISTRY_SCHEMA}"."container_expiration_policies"`;

export interface ClaimedPolicyRun {
  projectId: number;
  /** When the run was claimed: the job's `queued_at`, and what an undo compares. */
  queuedAt: Date;
  /** The due time the claim replaced, restored by an undo. */
  previousNextRunAt: Date;
}

/**
 * Claims up to `capacity` minus the runs in flight of the enabled policies that are due at `now`
 * and have no run in flight: in one transaction, their `next_run_at` moves to now + cadence,
 * `run_queued_at` is set and their repositories show `cleanup_scheduled`. Rows are taken with
 * `FOR UPDATE SKIP LOCKED` under a transaction-scoped advisory lock, so two schedulers never
 * claim the same row, and once one commits the row is no longer due for the other.
 */
export async function claimDueCleanupPolicies(
  prisma: PrismaClient,
  now: Date,
  capacity: number,
): Promise<ClaimedPolicyRun[]> {
  if (capacity <= 0) return [];
  const staleBefore = new Date(now.getTime() - STALE_RUN_MS);
  return prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock($1)`, SCHEDULER_LOCK_KEY);
    const inFlight = await tx.containerExpirationPolicy.count({
      where: { runQueuedAt: { gt: staleBefore } },
    });
    const room = capacity - inFlight;
    if (room <= 0) return [];
    const rows = await tx.$queryRawUnsafe<{ project_id: number; previous_next_run_at: Date }[]>(
      `UPDATE ${POLICIES} AS p
          SET next_run_at = $1::timestamptz + ${cadenceIntervalSql('p.cadence')}, run_queued_at = $1::timestamptz
         FROM (SELECT project_id, next_run_at FROM ${POLICIES}
                WHERE enabled AND next_run_at <= $1::timestamptz
                  AND (run_queued_at IS NULL OR run_queued_at <= $2::timestamptz)
                ORDER BY next_run_at, project_id
                LIMIT $3
                  FOR UPDATE SKIP LOCKED) AS due
        WHERE p.project_id = due.project_id
       RETURNING p.project_id, due.next_run_at AS previous_next_run_at`,
      now.toISOString(),
      staleBefore.toISOString(),
      room,
    );
    const projectIds = rows.map((row) => row.project_id);
    if (projectIds.length > 0) {
      await tx.repository.updateMany({
        where: {
          projectId: { in: projectIds },
          status: null,
          expirationPolicyCleanupStatus: { not: CLEANUP_STATUS.ongoing },
        },
        data: { expirationPolicyCleanupStatus: CLEANUP_STATUS.scheduled },
      });
    }
    return rows.map((row) => ({
      projectId: row.project_id,
      queuedAt: now,
      previousNextRunAt: new Date(row.previous_next_run_at),
    }));
  });
}

/** Undoes a claim whose job could not be queued, unless something changed the row since. */
export async function releaseCleanupPolicyClaim(
  prisma: PrismaClient,
  claim: ClaimedPolicyRun,
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.containerExpirationPolicy.updateMany({
      where: { projectId: claim.projectId, runQueuedAt: claim.queuedAt },
      data: { runQueuedAt: null, nextRunAt: claim.previousNextRunAt },
    });
    if (count === 0) return;
    await tx.repository.updateMany({
      where: { projectId: claim.projectId, expirationPolicyCleanupStatus: CLEANUP_STATUS.scheduled },
      data: { expirationPolicyCleanupStatus: CLEANUP_STATUS.unscheduled },
    });
  });
}
