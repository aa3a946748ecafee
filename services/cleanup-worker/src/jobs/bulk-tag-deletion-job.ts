import type { JobHandler } from '@stowage/bus';
import type { Logger } from '@stowage/logging';
import {
  parseBulkTagDeleteJob,
  parseOlderThan,
  runBulkTagDeletion,
  MalformedJobError,
  BULK_TAG_DELETE_QUEUE,
  compileTagNamePattern,
  type BulkTagDeleteJob,
  type PrismaClient,
  type TagCleanupRules,
} from '@stowage/registry-data';
import type { CleanupJobMetrics } from './job-metrics';

function rulesOf(job: BulkTagDeleteJob): TagCleanupRules {
  const requestedAt = new Date(job.requested_at);
  let olderThan: Date | null = null;
  if (job.older_than !== null) {
    const age = parseOlderThan(job.older_than);
    if (age === null) throw new MalformedJobError(BULK_TAG_DELETE_QUEUE, 'older_than');
    // Measured from the request, not from this run: a retried job selects the same tags.
    olderThan = new Date(requestedAt.getTime() - age);
  }
  const keep = job.name_regex_keep;
  return {
    deletes: compileTagNamePattern(job.name_regex_delete),
    keeps: keep === null ? () => false : compileTagNamePattern(keep),
    keepN: job.keep_n,
    olderThan,
  };
}

/** `registry.tags.bulk_delete`: deletes the tags a bulk request's rules select. */
export function bulkTagDeletionJob(options: {
  prisma: PrismaClient;
  logger: Logger;
  batchSize?: number;
  metrics?: CleanupJobMetrics;
}): JobHandler {
  return async (job) => {
    const payload = parseBulkTagDeleteJob(job.payload);
    const deleted = await runBulkTagDeletion(
      options.prisma,
      {
        repositoryId: BigInt(payload.repository_id),
        rules: rulesOf(payload),
        requestedAt: new Date(payload.requested_at),
      },
      { batchSize: options.batchSize },
    );
    options.metrics?.tagsDeleted.inc({ cause: 'bulk_delete' }, deleted);
    options.logger.info('bulk tag deletion finished', {
      repositoryId: payload.repository_id,
      deleted,
      jobId: job.id,
    });
  };
}
