import type { Subscription } from '@stowage/bus';
import { createMetrics, gitlabErrorFormat, runService, type RunningService } from '@stowage/http';
import type { Logger } from '@stowage/logging';
import { type Infrastructure, infrastructureChecks } from '@stowage/runtime';
import type { CleanupWorkerConfig } from './config';
import { JOB_HANDLERS, type JobHandlers } from './jobs/job-handlers';

export interface CleanupWorkerStartOptions {
  config: Pick<CleanupWorkerConfig, 'host' | 'port' | 'concurrency'>;
  logger: Logger;
  infra: Pick<Infrastructure, 'db' | 'bus' | 'blobs'>;
  handlers?: JobHandlers;
  collectProcessMetrics?: boolean;
}

/**
 * Starts a worker replica: competing consumer on every job queue it has a handler for. Replicas
 * share the queues, so adding replicas adds throughput. Its HTTP port serves only health and
 * metrics (for probes and the autoscaler).
 */
export async function startCleanupWorker(options: CleanupWorkerStartOptions): Promise<RunningService> {
  const { config, logger, infra } = options;
  const metrics = createMetrics({
    service: 'cleanup-worker',
    collectProcessMetrics: options.collectProcessMetrics ?? true,
  });
  const consumers: Subscription[] = [];
  for (const [queue, handler] of Object.entries(options.handlers ?? JOB_HANDLERS)) {
    const consumer = await infra.bus.jobs.consume(
      queue,
      async (job) => {
        await handler(job);
        metrics.messagesConsumed.inc({ kind: 'job', type: queue });
      },
      { prefetch: config.concurrency },
    );
    consumers.push(consumer);
  }
  logger.info('consuming job queues', { queues: Object.keys(options.handlers ?? JOB_HANDLERS) });
  return runService({
    name: 'cleanup-worker',
    listen: config,
    logger,
    metrics,
    errorFormat: gitlabErrorFormat,
    checks: infrastructureChecks(infra),
    routes: () => undefined,
    async onStop() {
      // Consumers finish the jobs they hold before the connection closes.
      await Promise.all(consumers.map((consumer) => consumer.close()));
    },
  });
}
