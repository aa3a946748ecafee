import type { BlobStore } from '@stowage/blob-store';
import {
  deleteProxyStorage,
  deleteStaleFetches,
  type PrismaClient as ProxyPrismaClient,
} from '@stowage/dependency-proxy-data';
import type { Logger } from '@stowage/logging';
import type { ProxyCleanupMetrics } from '../jobs/proxy-cleanup-metrics';
import { startPeriodicTask } from '../scheduling/periodic-task';

export interface ProxyStorageSweeper {
  /** One sweep: pending storage deletions, then crashed fetches' objects. */
  sweep(): Promise<void>;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/**
 * Finishes what the purge and TTL jobs leave behind: storage deletions whose delete failed (an
 * outage) and objects of fetches that crashed mid-stream. Its own loop rather than a step of the
 * registry's GC loop: that loop backs off when a step fails and sleeps until a registry review is
 * due, neither of which suits the proxy, whose tables may not exist yet in a worker started
 * before the proxy's first migration. Every replica sweeps; rows are claimed `FOR UPDATE SKIP
 * LOCKED` in bounded batches and a fetch object is deleted only when a day old, so replicas
 * never step on each other or on a running fetch.
 */
export function startProxyStorageSweeper(options: {
  proxy: ProxyPrismaClient;
  blobs: BlobStore;
  logger: Logger;
  metrics?: ProxyCleanupMetrics;
  /** Pause between sweeps; 0: only when `sweep` is called. */
  intervalMs: number;
  batchSize?: number;
}): ProxyStorageSweeper {
  const { proxy, blobs, logger, metrics } = options;

  async function sweepOnce(): Promise<void> {
    const objects = await deleteProxyStorage(proxy, blobs, { batchSize: options.batchSize });
    metrics?.objectsDeleted.inc({ kind: 'blob' }, objects.deleted);
    const fetches = await deleteStaleFetches(blobs);
    metrics?.objectsDeleted.inc({ kind: 'fetch' }, fetches.deleted);
    if (objects.failed + fetches.failed > 0) {
      logger.warn('dependency proxy objects not deleted; retrying at the next sweep', {
        storageDeletionsFailed: objects.failed,
        fetchesFailed: fetches.failed,
      });
    }
  }

  const task = startPeriodicTask({
    intervalMs: options.intervalMs,
    run: sweepOnce,
    onFailure: (error) =>
      logger.warn('dependency proxy storage sweep failed; retrying at the next one', {
        error: error instanceof Error ? error.message : String(error),
      }),
  });
  return { sweep: task.tick, stop: task.stop };
}
