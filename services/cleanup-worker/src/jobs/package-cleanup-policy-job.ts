import type { JobHandler } from '@stowage/bus';
import {
  PACKAGE_CLEANUP_POLICY_QUEUE,
  parsePackageCleanupPolicyJob,
  runPackageCleanupPolicy,
} from '@stowage/package-registry-data';
import { destroyPending, type PackageJobOptions } from './package-job-options';

/**
 * `package_registry.cleanup_policy.run`: applies a project's package cleanup policy as saved when
 * the job runs (one set back to keep everything marks nothing), then destroys what it marked. A
 * redelivery marks nothing more: the older duplicates are already marked or gone.
 */
export function packageCleanupPolicyJob(options: PackageJobOptions): JobHandler {
  return async (job) => {
    const payload = parsePackageCleanupPolicyJob(job.payload);
    if (!payload) {
      options.logger.warn('malformed job dropped', { queue: PACKAGE_CLEANUP_POLICY_QUEUE, jobId: job.id });
      return;
    }
    const outcome = await runPackageCleanupPolicy(options.packages, payload.project_id);
    if (!outcome) {
      options.logger.info('package cleanup policy skipped: it keeps every file', {
        projectId: payload.project_id,
        jobId: job.id,
      });
      return;
    }
    options.metrics?.policyFilesMarked.inc(outcome.filesMarked);
    const done = await destroyPending(options);
    options.logger.info('package cleanup policy run', {
      projectId: payload.project_id,
      filesMarked: outcome.filesMarked,
      ...done,
      jobId: job.id,
    });
  };
}
