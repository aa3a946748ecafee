import {
  infrastructureOptions,
  listenOptions,
  loadConfig,
  loggingOptions,
  type InfrastructureConfig,
  type ListenConfig,
  type LoggingConfig,
} from '@stowage/config';

export interface CleanupWorkerConfig
  extends ListenConfig, LoggingConfig, InfrastructureConfig, GarbageCollectionConfig {
  concurrency: number;
}

/** Online garbage collection of the registry (standalone mode reads these too). */
export interface GarbageCollectionConfig {
  gcEnabled: boolean;
  gcIdleIntervalMs: number;
  uploadPurgeAfterMs: number;
}

export const garbageCollectionOptions = {
  gcEnabled: {
    doc: "Run the registry's online garbage collection (reviews, storage deletions, upload purge) in this replica.",
    format: Boolean,
    default: true,
    env: 'REGISTRY_GC_ENABLED',
  },
  gcIdleIntervalMs: {
    doc: 'Longest pause of garbage collection when nothing is due (it wakes sooner when a review falls due).',
    format: 'interval',
    default: '10s',
    env: 'REGISTRY_GC_IDLE_INTERVAL',
  },
  uploadPurgeAfterMs: {
    doc: 'Blob uploads untouched this long (e.g. 7d, 12h) are deleted with their stored parts.',
    format: 'interval',
    default: '7d',
    env: 'REGISTRY_UPLOAD_PURGE_AFTER',
  },
};

export const cleanupWorkerSchema = {
  ...listenOptions(5005),
  ...loggingOptions,
  ...infrastructureOptions,
  concurrency: {
    doc: 'Jobs one replica works on at once, per queue (RabbitMQ prefetch). Scale further with replicas.',
    format: 'nat',
    default: 2,
    env: 'CLEANUP_CONCURRENCY',
  },
  ...garbageCollectionOptions,
};

export function loadCleanupWorkerConfig(env: NodeJS.ProcessEnv = process.env): CleanupWorkerConfig {
  return loadConfig<CleanupWorkerConfig>(cleanupWorkerSchema, env);
}
