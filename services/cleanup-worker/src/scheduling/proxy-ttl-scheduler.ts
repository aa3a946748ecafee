import type { JobQueue } from '@stowage/bus';
import {
  claimDueTtlGroups,
  PROXY_TTL_RUN_QUEUE,
  releaseTtlClaim,
  type PrismaClient as ProxyPrismaClient,
  type ProxyGroupJob,
} from '@stowage/dependency-proxy-data';
import type { Logger } from '@stowage/logging';
import { startPeriodicTask } from './periodic-task';

export interface ProxyTtlScheduler {
  /** Queues a TTL run for every group due now; resolves with how many. */
  tick(): Promise<number>;
  /** Stops the timer and waits for a tick in progress. */
  stop(): Promise<void>;
}

/**
 * Looks for groups whose dependency proxy TTL run is due every `intervalMs` (0: only when `tick`
 * is called), as the cleanup-policy scheduler does for the registry (ADR 0007). Every worker
 * replica runs one: claims are row-locked and skip what another holds (claimDueTtlGroups), so a
 * group's run is queued once per `runIntervalMs`. A job the broker refuses gives its claim back
 * and the next tick tries again. No capacity limit, unlike cleanup policies: a TTL run is a few
 * set-based deletes, and the job queue's prefetch already bounds how many run at once.
 */
export function startProxyTtlScheduler(options: {
  proxy: ProxyPrismaClient;
  jobs: JobQueue;
  logger: Logger;
  intervalMs: number;
  /** Time between two runs of one group. */
  runIntervalMs: number;
}): ProxyTtlScheduler {
  const { proxy, jobs, logger } = options;

  async function queueDueRuns(): Promise<number> {
    const claims = await claimDueTtlGroups(proxy, new Date(), { intervalMs: options.runIntervalMs });
    let queued = 0;
    for (const claim of claims) {
      const job: ProxyGroupJob = { group_id: claim.groupId };
      try {
        await jobs.enqueue(PROXY_TTL_RUN_QUEUE, job);
        queued++;
      } catch (error) {
        await releaseTtlClaim(proxy, claim);
        logger.warn('dependency proxy TTL run not queued; it stays due', {
          groupId: claim.groupId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (queued > 0) logger.info('dependency proxy TTL runs queued', { queued });
    return queued;
  }

  return startPeriodicTask({
    intervalMs: options.intervalMs,
    run: queueDueRuns,
    onFailure: (error) =>
      // Also what a worker started before the proxy's first migration logs: its tables are not there yet.
      logger.warn('dependency proxy TTL scheduling failed; retrying at the next tick', {
        error: error instanceof Error ? error.message : String(error),
      }),
  });
}
