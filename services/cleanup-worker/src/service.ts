import type { Subscription } from '@stowage/bus';
import { createPrismaClient } from '@stowage/db';
import { PrismaClient as ProxyPrismaClient } from '@stowage/dependency-proxy-data';
import {
  createMetrics,
  gitlabErrorFormat,
  runService,
  type Metrics,
  type RunningService,
} from '@stowage/http';
import type { Logger } from '@stowage/logging';
import { PrismaClient as PackagePrismaClient } from '@stowage/package-registry-data';
import { PrismaClient } from '@stowage/registry-data';
import { type Infrastructure, infrastructureChecks } from '@stowage/runtime';
import {
  cleanupLimitsClient,
  DEFAULT_CLEANUP_LIMITS,
  fixedCleanupLimits,
  type CleanupLimitsSource,
} from './adapters/cleanup-limits-client';
import type {
  CleanupPolicyConfig,
  CleanupWorkerConfig,
  DependencyProxyCleanupConfig,
  GarbageCollectionConfig,
  PackageCleanupConfig,
  PackageStorageCleanupConfig,
} from './config';
import { GarbageCollector } from './gc/garbage-collector';
import { createGcMetrics } from './gc/gc-metrics';
import { startPackageStorageSweeper } from './gc/package-storage-sweeper';
import { startProxyStorageSweeper } from './gc/proxy-storage-sweeper';
import { createJobHandlers, MAX_JOB_ATTEMPTS, type JobHandlers } from './jobs/job-handlers';
import { countedJob, createCleanupJobMetrics } from './jobs/job-metrics';
import { createPackageCleanupMetrics } from './jobs/package-cleanup-metrics';
import { createPackageJobHandlers } from './jobs/package-job-handlers';
import { createProxyCleanupMetrics } from './jobs/proxy-cleanup-metrics';
import { createProxyJobHandlers } from './jobs/proxy-job-handlers';
import { startCleanupPolicyScheduler } from './scheduling/cleanup-policy-scheduler';
import { startPackageCleanupPolicyScheduler } from './scheduling/package-cleanup-policy-scheduler';
import { startProxyTtlScheduler } from './scheduling/proxy-ttl-scheduler';

export interface CleanupWorkerStartOptions {
  config: Pick<CleanupWorkerConfig, 'host' | 'port' | 'concurrency'> &
    Partial<CleanupPolicyConfig> &
    Partial<GarbageCollectionConfig> &
    Partial<DependencyProxyCleanupConfig> &
    Partial<PackageCleanupConfig> &
    Partial<PackageStorageCleanupConfig>;
  logger: Logger;
  infra: Pick<Infrastructure, 'db' | 'bus' | 'blobs'>;
  /** Replaces the handler table (tests); by default every job the worker knows. */
  handlers?: JobHandlers;
  /** Rows deleted per transaction by the deletion jobs. */
  batchSize?: number;
  /** Replaces asking auth-token for the cleanup limits (tests). */
  cleanupLimits?: CleanupLimitsSource;
  /** Rows claimed per transaction by garbage collection. */
  gcBatchSize?: number;
  /** First pause before a failed job is retried (the bus's default, 1 s, unless a test shortens it). */
  jobRetryBackoffMs?: number;
  /** Pause between sweeps of the dependency proxy's leftover objects (default a minute; 0: never). */
  proxyStorageSweepMs?: number;
  collectProcessMetrics?: boolean;
}

/**
 * Starts a worker replica: competing consumer on every job queue it has a handler for. Replicas
 * share the queues, so adding replicas adds throughput. Its HTTP port serves only health and
 * metrics (for probes and the autoscaler). It works on the registry's, the dependency proxy's
 * and the package registry's tables through a client for each and never migrates them: those
 * services (or the migration Job) own that.
 */
export async function startCleanupWorker(options: CleanupWorkerStartOptions): Promise<RunningService> {
  const { config, logger, infra } = options;
  const metrics = createMetrics({
    service: 'cleanup-worker',
    collectProcessMetrics: options.collectProcessMetrics ?? true,
  });
  const jobMetrics = createCleanupJobMetrics(metrics);
  const registry = createPrismaClient(PrismaClient, infra.db);
  const proxy = createPrismaClient(ProxyPrismaClient, infra.db);
  const proxyMetrics = createProxyCleanupMetrics(metrics);
  const packages = createPrismaClient(PackagePrismaClient, infra.db);
  const packageMetrics = createPackageCleanupMetrics(metrics);
  const cleanupLimits = options.cleanupLimits ?? cleanupLimitsOf(config, logger);
  const handlers = options.handlers ?? {
    ...createJobHandlers({
      registry,
      blobs: infra.blobs,
      logger,
      batchSize: options.batchSize,
      jobs: infra.bus.jobs,
      cleanupLimits,
      metrics: jobMetrics,
    }),
    ...createProxyJobHandlers({
      proxy,
      blobs: infra.blobs,
      logger,
      batchSize: options.batchSize,
      metrics: proxyMetrics,
    }),
    ...createPackageJobHandlers({
      packages,
      blobs: infra.blobs,
      logger: logger.child({ component: 'package-registry' }),
      batchSize: options.batchSize,
      metrics: packageMetrics,
      storageDeletionDelayMs: config.packageStorageDeletionDelayMs,
    }),
  };
  const consumers: Subscription[] = [];
  try {
    for (const [queue, handler] of Object.entries(handlers)) {
      const counted = countedJob(queue, handler, jobMetrics, MAX_JOB_ATTEMPTS);
      const consumer = await infra.bus.jobs.consume(
        queue,
        async (job) => {
          await counted(job);
          metrics.messagesConsumed.inc({ kind: 'job', type: queue });
        },
        {
          prefetch: config.concurrency,
          maxAttempts: MAX_JOB_ATTEMPTS,
          ...(options.jobRetryBackoffMs !== undefined ? { baseBackoffMs: options.jobRetryBackoffMs } : {}),
        },
      );
      consumers.push(consumer);
    }
  } catch (error) {
    await Promise.allSettled(consumers.map((consumer) => consumer.close()));
    await Promise.all([registry.$disconnect(), proxy.$disconnect(), packages.$disconnect()]);
    throw error;
  }
  logger.info('consuming job queues', { queues: Object.keys(handlers) });
  const scheduler = startCleanupPolicyScheduler({
    prisma: registry,
    jobs: infra.bus.jobs,
    limits: cleanupLimits,
    logger,
    intervalMs: (config.policyScheduleSeconds ?? 60) * 1000,
  });
  const proxyTtlScheduler = startProxyTtlScheduler({
    proxy,
    jobs: infra.bus.jobs,
    logger: logger.child({ component: 'dependency-proxy-ttl' }),
    intervalMs: (config.proxyTtlScheduleSeconds ?? 3600) * 1000,
    runIntervalMs: (config.proxyTtlIntervalSeconds ?? 86_400) * 1000,
  });
  const gc = startGarbageCollection(options, registry, metrics);
  const proxySweeper = startProxyStorageSweeper({
    proxy,
    blobs: infra.blobs,
    logger: logger.child({ component: 'dependency-proxy-storage' }),
    metrics: proxyMetrics,
    intervalMs: options.proxyStorageSweepMs ?? 60_000,
  });
  const packageScheduler = startPackageCleanupPolicyScheduler({
    packages,
    jobs: infra.bus.jobs,
    logger: logger.child({ component: 'package-cleanup-policy' }),
    intervalMs: (config.packageCleanupScheduleSeconds ?? 600) * 1000,
  });
  const packageSweeper = startPackageStorageSweeper({
    packages,
    blobs: infra.blobs,
    logger: logger.child({ component: 'package-storage' }),
    metrics: packageMetrics,
    batchSize: options.batchSize,
    storageDeletionDelayMs: config.packageStorageDeletionDelayMs,
    intervalMs: config.packageSweepIntervalMs ?? 60_000,
  });
  const stopLoops = () =>
    Promise.all([
      scheduler.stop(),
      proxyTtlScheduler.stop(),
      packageScheduler.stop(),
      gc?.stop(),
      proxySweeper.stop(),
      packageSweeper.stop(),
    ]);
  const service = runService({
    name: 'cleanup-worker',
    listen: config,
    logger,
    metrics,
    errorFormat: gitlabErrorFormat,
    ...infrastructureChecks(infra),
    routes: () => undefined,
    async onStop() {
      await Promise.all([scheduler.stop(), proxyTtlScheduler.stop(), packageScheduler.stop()]);
      // Consumers finish the jobs they hold before the connection closes.
      await Promise.all([
        gc?.stop(),
        proxySweeper.stop(),
        packageSweeper.stop(),
        ...consumers.map((consumer) => consumer.close()),
      ]);
      await Promise.all([registry.$disconnect(), proxy.$disconnect(), packages.$disconnect()]);
    },
  });
  // A service that fails to start (its port taken) must not leave its loops running.
  return service.catch(async (error: unknown) => {
    await stopLoops();
    throw error;
  });
}

const GC_DEFAULTS: GarbageCollectionConfig = {
  gcEnabled: true,
  gcIdleIntervalMs: 10_000,
  uploadPurgeAfterMs: 7 * 24 * 60 * 60 * 1000,
};
const DEFAULT_GC_BATCH_SIZE = 100;

/** Every replica runs the GC loop (unless disabled); they share the work through row locks. */
function startGarbageCollection(
  options: CleanupWorkerStartOptions,
  registry: PrismaClient,
  metrics: Metrics,
): GarbageCollector | null {
  const config = { ...GC_DEFAULTS, ...options.config };
  if (!config.gcEnabled) return null;
  const gc = new GarbageCollector({
    prisma: registry,
    blobs: options.infra.blobs,
    logger: options.logger.child({ component: 'gc' }),
    metrics: createGcMetrics(metrics, registry, options.logger),
    batchSize: options.gcBatchSize ?? DEFAULT_GC_BATCH_SIZE,
    uploadPurgeAfterMs: config.uploadPurgeAfterMs,
    idleIntervalMs: config.gcIdleIntervalMs,
  });
  gc.start();
  return gc;
}

/** The limits from auth-token (ADR 0007); GitLab's defaults when no auth-token URL is configured. */
function cleanupLimitsOf(config: CleanupWorkerStartOptions['config'], logger: Logger): CleanupLimitsSource {
  if (!config.authTokenUrl) return fixedCleanupLimits(DEFAULT_CLEANUP_LIMITS);
  return cleanupLimitsClient({
    authTokenUrl: config.authTokenUrl,
    internalSecret: config.internalApiSecret || undefined,
    logger,
  });
}
