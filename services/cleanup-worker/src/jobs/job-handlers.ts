import type { BlobStore } from '@stowage/blob-store';
import type { JobHandler, JobQueue } from '@stowage/bus';
import type { Logger } from '@stowage/logging';
import {
  BULK_TAG_DELETE_QUEUE,
  CLEANUP_POLICY_RUN_QUEUE,
  REPOSITORY_DELETE_QUEUE,
  type PrismaClient,
} from '@stowage/registry-data';
import type { CleanupLimitsSource } from '../adapters/cleanup-limits-client';
import { bulkTagDeletionJob } from './bulk-tag-deletion-job';
import { cleanupPolicyRunJob } from './cleanup-policy-run-job';
import type { CleanupJobMetrics } from './job-metrics';
import { repositoryDeletionJob } from './repository-deletion-job';

/**
 * Queue name → handler. The worker consumes exactly these queues (the registry's here, the
 * dependency proxy's in createProxyJobHandlers, the package registry's in createPackageJobHandlers).
 */
export type JobHandlers = Record<string, JobHandler>;

/** Deliveries of a job before it is dead-lettered (handlers may act on the last one). */
export const MAX_JOB_ATTEMPTS = 5;

export interface JobHandlerDeps {
  /** The registry's tables (the worker is the registry's cleanup half). */
  registry: PrismaClient;
  blobs: BlobStore;
  logger: Logger;
  /** Rows deleted per transaction. */
  batchSize?: number;
  /** Where jobs that continue a cut-short run go. */
  jobs: JobQueue;
  /** The cleanup limits an admin sets (application settings). */
  cleanupLimits: CleanupLimitsSource;
  /** Where tags deleted and policy runs are counted; omitted by tests that run handlers by hand. */
  metrics?: CleanupJobMetrics;
}

export function createJobHandlers(deps: JobHandlerDeps): JobHandlers {
  const { registry: prisma, blobs, logger, batchSize, jobs, cleanupLimits, metrics } = deps;
  return {
    [REPOSITORY_DELETE_QUEUE]: repositoryDeletionJob({
      prisma,
      blobs,
      logger,
      batchSize,
      maxAttempts: MAX_JOB_ATTEMPTS,
    }),
    [BULK_TAG_DELETE_QUEUE]: bulkTagDeletionJob({ prisma, logger, batchSize, metrics }),
    [CLEANUP_POLICY_RUN_QUEUE]: cleanupPolicyRunJob({
      prisma,
      jobs,
      limits: cleanupLimits,
      logger,
      batchSize,
      metrics,
    }),
  };
}
