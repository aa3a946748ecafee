import type { BlobStore } from '@stowage/blob-store';
import {
  deleteProxyStorage,
  type PrismaClient as ProxyPrismaClient,
  type ProxyStorageDeletionOutcome,
} from '@stowage/dependency-proxy-data';
import type { Logger } from '@stowage/logging';
import type { ProxyCleanupMetrics } from './proxy-cleanup-metrics';

/** What the dependency proxy's cleanup jobs (purge, TTL) work with. */
export interface ProxyJobOptions {
  /** The dependency proxy's tables (its own schema and client; the proxy service migrates them). */
  proxy: ProxyPrismaClient;
  blobs: BlobStore;
  logger: Logger;
  /** Rows removed per transaction. */
  batchSize?: number;
  metrics?: ProxyCleanupMetrics;
}

/**
 * Deletes the objects of every digest no group caches any more, not only this job's: the queue is
 * shared, and a job that just queued deletions is the quickest way to carry them out. A storage
 * outage does not fail the job (the entries are gone already); the rows wait for the sweeper.
 */
export async function deleteUncachedObjects(options: ProxyJobOptions): Promise<ProxyStorageDeletionOutcome> {
  const outcome = await deleteProxyStorage(options.proxy, options.blobs, { batchSize: options.batchSize });
  options.metrics?.objectsDeleted.inc({ kind: 'blob' }, outcome.deleted);
  return outcome;
}
