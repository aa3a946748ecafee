export { startCleanupWorker } from './service';
export type { CleanupWorkerStartOptions } from './service';
export {
  cleanupWorkerSchema,
  dependencyProxyCleanupOptions,
  garbageCollectionOptions,
  loadCleanupWorkerConfig,
} from './config';
export type { CleanupWorkerConfig, DependencyProxyCleanupConfig, GarbageCollectionConfig } from './config';
export { createJobHandlers, MAX_JOB_ATTEMPTS } from './jobs/job-handlers';
export type { JobHandlerDeps, JobHandlers } from './jobs/job-handlers';
export { createProxyJobHandlers } from './jobs/proxy-job-handlers';
