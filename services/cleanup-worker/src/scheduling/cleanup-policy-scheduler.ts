import type { JobQueue } from '@stowage/bus';
import type { Logger } from '@stowage/logging';
import {
  claimDueCleanupPolicies,
  CLEANUP_POLICY_RUN_QUEUE,
  releaseCleanupPolicyClaim,
  type CleanupPolicyRunJob,
  type PrismaClient,
} from '@stowage/registry-data';
import type { CleanupLimitsSource } from '../adapters/cleanup-limits-client';
import { startPeriodicTask } from './periodic-task';

export interface CleanupPolicyScheduler {
  /** Queues the runs due now (within capacity); resolves with how many. */
  tick(): Promise<number>;
  /** Stops the timer and waits for a tick in progress. */
  stop(): Promise<void>;
}

/**
 * Looks for due cleanup policies every `intervalMs` (0: only when `tick` is called). Every
 * worker replica runs one: claims are row-locked and skip what another holds
 * (claimDueCleanupPolicies), so each run is queued once. A job the broker refuses gives its
 * claim back, and the next tick tries again.
 */
export function startCleanupPolicyScheduler(options: {
  prisma: PrismaClient;
  jobs: JobQueue;
  limits: CleanupLimitsSource;
  logger: Logger;
  intervalMs: number;
}): CleanupPolicyScheduler {
  const { prisma, jobs, logger } = options;

  async function queueDueRuns(): Promise<number> {
    const { workerCapacity } = await options.limits.current();
    const claims = await claimDueCleanupPolicies(prisma, new Date(), workerCapacity);
    let queued = 0;
    for (const claim of claims) {
      const job: CleanupPolicyRunJob = {
        project_id: claim.projectId,
        queued_at: claim.queuedAt.toISOString(),
      };
      try {
        await jobs.enqueue(CLEANUP_POLICY_RUN_QUEUE, job);
        queued++;
      } catch (error) {
        await releaseCleanupPolicyClaim(prisma, claim);
        logger.warn('cleanup policy run not queued; it stays due', {
          projectId: claim.projectId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (queued > 0) logger.info('cleanup policy runs queued', { queued });
    return queued;
  }

  return startPeriodicTask({
    intervalMs: options.intervalMs,
    run: queueDueRuns,
    onFailure: (error) =>
      logger.warn('cleanup policy scheduling failed; retrying at the next tick', {
        error: error instanceof Error ? error.message : String(error),
      }),
  });
}
