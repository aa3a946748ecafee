import type { JobHandler } from '@stowage/bus';
import type { Logger } from '@stowage/logging';
import {
  markRepositoryDeletionFailed,
  parseRepositoryDeleteJob,
  runRepositoryDeletion,
  type RepositoryDeletionOptions,
} from '@stowage/registry-data';

/**
 * `registry.repository.delete`: runs a deletion the REST API scheduled. On the last attempt a
 * failure marks the repository `delete_failed`, as GitLab does, so it shows and can be retried.
 */
export function repositoryDeletionJob(
  options: RepositoryDeletionOptions & { logger: Logger; maxAttempts: number },
): JobHandler {
  return async (job) => {
    const { repository_id: repositoryId } = parseRepositoryDeleteJob(job.payload);
    try {
      const outcome = await runRepositoryDeletion(options, BigInt(repositoryId));
      options.logger.info('repository deletion finished', { repositoryId, outcome, jobId: job.id });
    } catch (error) {
      if (job.attempt >= options.maxAttempts) {
        await markRepositoryDeletionFailed(options.prisma, BigInt(repositoryId));
      }
      throw error;
    }
  };
}
