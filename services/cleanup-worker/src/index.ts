export { startCleanupWorker } from './service';
export type { CleanupWorkerStartOptions } from './service';
export { cleanupWorkerSchema, loadCleanupWorkerConfig } from './config';
export type { CleanupWorkerConfig } from './config';
export { createJobHandlers, MAX_JOB_ATTEMPTS } from './jobs/job-handlers';
export type { JobHandlerDeps, JobHandlers } from './jobs/job-handlers';
