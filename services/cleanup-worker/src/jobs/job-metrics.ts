import type { JobHandler } from '@stowage/bus';
import { Counter, type Metrics } from '@stowage/http';

/** Why tags were deleted: a project's cleanup policy or a bulk `DELETE .../tags` request. */
export type TagDeletionCause = 'cleanup_policy' | 'bulk_delete';

/** What the cleanup jobs report to Prometheus (names under `stowage_cleanup_`), beside GC's. */
export interface CleanupJobMetrics {
  completed: Counter<'queue'>;
  failed: Counter<'queue'>;
  retried: Counter<'queue'>;
  deadLettered: Counter<'queue'>;
  tagsDeleted: Counter<'cause'>;
  policyRuns: Counter<'outcome'>;
}

export function createCleanupJobMetrics(metrics: Metrics): CleanupJobMetrics {
  const registers = [metrics.registry];
  return {
    completed: new Counter({
      name: 'stowage_cleanup_jobs_completed_total',
      help: 'Cleanup job attempts that finished (the job is acknowledged), by queue.',
      labelNames: ['queue'],
      registers,
    }),
    failed: new Counter({
      name: 'stowage_cleanup_jobs_failed_total',
      help: 'Cleanup job attempts that threw, by queue (each is then retried or dead-lettered).',
      labelNames: ['queue'],
      registers,
    }),
    retried: new Counter({
      name: 'stowage_cleanup_jobs_retried_total',
      help: 'Failed cleanup job attempts the bus delivers again after a backoff, by queue.',
      labelNames: ['queue'],
      registers,
    }),
    deadLettered: new Counter({
      name: 'stowage_cleanup_jobs_dead_lettered_total',
      help: 'Cleanup jobs whose last attempt failed, moved to the <queue>.dead queue, by queue.',
      labelNames: ['queue'],
      registers,
    }),
    tagsDeleted: new Counter({
      name: 'stowage_cleanup_tags_deleted_total',
      help: 'Tags deleted by cleanup jobs, by cause (cleanup_policy, bulk_delete).',
      labelNames: ['cause'],
      registers,
    }),
    policyRuns: new Counter({
      name: 'stowage_cleanup_policy_runs_total',
      help: 'Cleanup-policy run jobs done: finished, or continued (limits cut them short; the rest is queued).',
      labelNames: ['outcome'],
      registers,
    }),
  };
}

/**
 * Counts each attempt of `handler` as completed or failed and, when it failed, whether the bus
 * will retry it or dead-letter it. The bus decides that from the attempt number and the
 * `maxAttempts` it was given, so the same `maxAttempts` must reach both. Messages the bus cannot
 * even decode never reach a handler and are not counted here (the bus logs them).
 */
export function countedJob(
  queue: string,
  handler: JobHandler,
  metrics: CleanupJobMetrics,
  maxAttempts: number,
): JobHandler {
  return async (job) => {
    try {
      await handler(job);
    } catch (error) {
      metrics.failed.inc({ queue });
      if (job.attempt >= maxAttempts) metrics.deadLettered.inc({ queue });
      else metrics.retried.inc({ queue });
      throw error;
    }
    metrics.completed.inc({ queue });
  };
}
