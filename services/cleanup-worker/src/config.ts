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
  extends
    ListenConfig,
    LoggingConfig,
    InfrastructureConfig,
    CleanupPolicyConfig,
    GarbageCollectionConfig,
    DependencyProxyCleanupConfig,
    PackageCleanupConfig,
    PackageStorageCleanupConfig {
  concurrency: number;
}

/** The dependency proxy's TTL policies: how often to look for groups due a run, how far apart one group's runs are. */
export interface DependencyProxyCleanupConfig {
  proxyTtlScheduleSeconds: number;
  proxyTtlIntervalSeconds: number;
}

export const dependencyProxyCleanupOptions = {
  proxyTtlScheduleSeconds: {
    doc: 'Seconds between two looks for groups whose dependency proxy TTL run is due (every replica looks; each run is queued once); 0: never.',
    format: 'nat',
    default: 3600,
    env: 'DEPENDENCY_PROXY_TTL_SCHEDULE_SECONDS',
  },
  proxyTtlIntervalSeconds: {
    doc: "Seconds between two TTL runs of one group's dependency proxy cache (each removes the entries unread for longer than the group's ttl_days).",
    format: 'nat',
    default: 86400,
    env: 'DEPENDENCY_PROXY_TTL_INTERVAL_SECONDS',
  },
};

/** The package registry's cleanup policies: how often to look for projects whose run is due (each runs every 12 hours). */
export interface PackageCleanupConfig {
  packageCleanupScheduleSeconds: number;
}

/** The package registry's removals: how often the worker sweeps, how long an unused object waits. */
export interface PackageStorageCleanupConfig {
  packageSweepIntervalMs: number;
  packageStorageDeletionDelayMs: number;
}

export const packageStorageCleanupOptions = {
  packageSweepIntervalMs: {
    doc: 'Pause between two sweeps of the package registry (packages and files pending destruction, unused objects whose delay passed, uploads older than a day); 0: never.',
    format: 'interval',
    default: '1m',
    env: 'PACKAGE_CLEANUP_SWEEP_INTERVAL',
  },
  packageStorageDeletionDelayMs: {
    doc: "How long a deleted package file's object waits before it is removed when no file uses it; a publish of the same bytes takes it back meanwhile. Keep it longer than any publish takes to commit.",
    format: 'interval',
    default: '10m',
    env: 'PACKAGE_STORAGE_DELETION_DELAY',
  },
};

export const packageCleanupOptions = {
  packageCleanupScheduleSeconds: {
    doc: 'Seconds between two looks for package cleanup policies due a run (every replica looks; each run is queued once, every 12 hours per project); 0: never.',
    format: 'nat',
    default: 600,
    env: 'PACKAGE_CLEANUP_POLICY_SCHEDULE_SECONDS',
  },
};

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
  ...garbageCollectionOptions,
  ...dependencyProxyCleanupOptions,
  ...packageCleanupOptions,
  ...packageStorageCleanupOptions,
};

export function loadCleanupWorkerConfig(env: NodeJS.ProcessEnv = process.env): CleanupWorkerConfig {
  return loadConfig<CleanupWorkerConfig>(cleanupWorkerSchema, env);
}
