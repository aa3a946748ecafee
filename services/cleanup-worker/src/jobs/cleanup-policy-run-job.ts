import type { JobHandler, JobQueue } from '@stowage/bus';
import type { Logger } from '@stowage/logging';
import {
  CLEANUP_POLICY_RUN_QUEUE,
  parseCleanupPolicyRunJob,
  runCleanupPolicy,
  type PrismaClient,
} from '@stowage/registry-data';
import type { CleanupLimitsSource } from '../adapters/cleanup-limits-client';
import type { CleanupJobMetrics } from './job-metrics';

/**
 * `cleanup.policy.run`: runs a project's cleanup policy within the current limits and, when they
 * cut it short, queues the same job for the rest before this one is acknowledged. Either way the
 * effect of a redelivery is nil beyond finishing what is left (runCleanupPolicy is idempotent).
 */
export function cleanupPolicyRunJob(options: {
  prisma: PrismaClient;
  jobs: JobQueue;
  limits: CleanupLimitsSource;
  logger: Logger;
  batchSize?: number;
  metrics?: CleanupJobMetrics;
}): JobHandler {
  return async (job) => {
    const payload = parseCleanupPolicyRunJob(job.payload);
    const limits = await options.limits.current();
    const outcome = await runCleanupPolicy(options.prisma, payload.project_id, new Date(payload.queued_at), {
      maxListSize: limits.maxListSize,
      timeoutMs: limits.deleteTagsTimeoutSeconds * 1000,
      batchSize: options.batchSize,
    });
    // The tags are gone whatever happens next; the run counts once its continuation is queued.
    options.metrics?.tagsDeleted.inc({ cause: 'cleanup_policy' }, outcome.deleted);
    if (!outcome.finished) await options.jobs.enqueue(CLEANUP_POLICY_RUN_QUEUE, payload);
    options.metrics?.policyRuns.inc({ outcome: outcome.finished ? 'finished' : 'continued' });
    options.logger.info('cleanup policy run', {
      projectId: payload.project_id,
      deleted: outcome.deleted,
      finished: outcome.finished,
      jobId: job.id,
    });
  };
}
