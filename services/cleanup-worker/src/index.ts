export { startCleanupWorker } from './service';
export type { CleanupWorkerStartOptions } from './service';
export { cleanupWorkerSchema, garbageCollectionOptions, loadCleanupWorkerConfig } from './config';
export type { CleanupWorkerConfig, GarbageCollectionConfig } from './config';
export { createJobHandlers, MAX_JOB_ATTEMPTS } from './jobs/job-handlers';
export type { JobHandlerDeps, JobHandlers } from './jobs/job-handlers';
