import type { JobQueue } from '@stowage/bus';
import type { Logger } from '@stowage/logging';
import {
  claimDuePackageCleanupPolicies,
  PACKAGE_CLEANUP_POLICY_QUEUE,
  releasePackageCleanupPolicyClaim,
  type PackageCleanupPolicyJob,
  type PrismaClient as PackagePrismaClient,
} from '@stowage/package-registry-data';
import { startPeriodicTask } from './periodic-task';

export interface PackageCleanupPolicyScheduler {
  /** Queues a run for every package cleanup policy due now; resolves with how many. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Looks for package cleanup policies whose run is due (GitLab runs each every 12 hours) every
 * `intervalMs` (0: only when `tick` is called). Every replica runs one: claims are row-locked and
 * skip what another holds, so each run is queued once. A job the broker refuses gives its claim
 * back and the next tick tries again.
 */
export function startPackageCleanupPolicyScheduler(options: {
  packages: PackagePrismaClient;
  jobs: JobQueue;
  logger: Logger;
  intervalMs: number;
}): PackageCleanupPolicyScheduler {
  const { packages, jobs, logger } = options;

  async function queueDueRuns(): Promise<number> {
    const claims = await claimDuePackageCleanupPolicies(packages, new Date());
    let queued = 0;
    for (const claim of claims) {
      const job: PackageCleanupPolicyJob = { project_id: claim.projectId };
      try {
        await jobs.enqueue(PACKAGE_CLEANUP_POLICY_QUEUE, job);
        queued++;
      } catch (error) {
        await releasePackageCleanupPolicyClaim(packages, claim);
        logger.warn('package cleanup policy run not queued; it stays due', {
          projectId: claim.projectId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (queued > 0) logger.info('package cleanup policy runs queued', { queued });
    return queued;
  }

  return startPeriodicTask({
    intervalMs: options.intervalMs,
    run: queueDueRuns,
    onFailure: (error) =>
      logger.warn('package cleanup policy scheduling failed; retrying at the next tick', {
        error: error instanceof Error ? error.message : String(error),
      }),
  });
}
