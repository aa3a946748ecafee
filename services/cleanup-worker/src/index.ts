export { startCleanupWorker } from './service';
export type { CleanupWorkerStartOptions } from './service';
export {
  cleanupWorkerSchema,
  dependencyProxyCleanupOptions,
  garbageCollectionOptions,
  loadCleanupWorkerConfig,
  packageCleanupOptions,
  packageStorageCleanupOptions,
} from './config';
export type {
  CleanupWorkerConfig,
  DependencyProxyCleanupConfig,
  GarbageCollectionConfig,
  PackageCleanupConfig,
  PackageStorageCleanupConfig,
} from './config';
export { createJobHandlers, MAX_JOB_ATTEMPTS } from './jobs/job-handlers';
export type { JobHandlerDeps, JobHandlers } from './jobs/job-handlers';
export { createProxyJobHandlers } from './jobs/proxy-job-handlers';
export { createPackageJobHandlers } from './jobs/package-job-handlers';
