export { startCleanupWorker } from './service';
export type { CleanupWorkerStartOptions } from './service';
export { cleanupWorkerSchema, loadCleanupWorkerConfig } from './config';
export type { CleanupWorkerConfig } from './config';
export type { JobHandlers } from './jobs/job-handlers';
