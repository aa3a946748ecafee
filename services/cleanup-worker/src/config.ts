import {
  infrastructureOptions,
  listenOptions,
  loadConfig,
  loggingOptions,
  type InfrastructureConfig,
  type ListenConfig,
  type LoggingConfig,
} from '@stowage/config';

export interface CleanupWorkerConfig extends ListenConfig, LoggingConfig, InfrastructureConfig {
  concurrency: number;
}

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
};

export function loadCleanupWorkerConfig(env: NodeJS.ProcessEnv = process.env): CleanupWorkerConfig {
  return loadConfig<CleanupWorkerConfig>(cleanupWorkerSchema, env);
}
