import {
  authTokenUrlOption,
  infrastructureOptions,
  listenOptions,
  loadConfig,
  loggingOptions,
  type AuthTokenUrlConfig,
  type InfrastructureConfig,
  type ListenConfig,
  type LoggingConfig,
} from '@stowage/config';

/** Cleanup policies: where their limits come from (auth-token's settings), how often to look for due ones. */
export interface CleanupPolicyConfig extends AuthTokenUrlConfig {
  internalApiSecret: string;
  policyScheduleSeconds: number;
}

export interface CleanupWorkerConfig
  extends ListenConfig, LoggingConfig, InfrastructureConfig, CleanupPolicyConfig {
  concurrency: number;
}

export const cleanupPolicyOptions = {
  ...authTokenUrlOption,
  internalApiSecret: {
    doc: 'Shared secret of the internal APIs (X-Stowage-Internal-Secret), sent when asking auth-token for the cleanup limits.',
    format: String,
    default: '',
    env: 'INTERNAL_API_SECRET',
    sensitive: true,
  },
  policyScheduleSeconds: {
    doc: 'Seconds between two looks for due cleanup policies (every replica looks; each run is queued once); 0: never.',
    format: 'nat',
    default: 60,
    env: 'CLEANUP_POLICY_SCHEDULE_SECONDS',
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
  ...cleanupPolicyOptions,
};

export function loadCleanupWorkerConfig(env: NodeJS.ProcessEnv = process.env): CleanupWorkerConfig {
  return loadConfig<CleanupWorkerConfig>(cleanupWorkerSchema, env);
}
