import { Counter, Gauge, type Metrics } from '@stowage/http';
import type { Logger } from '@stowage/logging';
import { gcBacklog, type RegistryDb } from '@stowage/registry-data';

/** What garbage collection reports to Prometheus (names under `stowage_gc_`). */
export interface GcMetrics {
  reviews: Counter<'kind' | 'outcome'>;
  batchFailures: Counter<'step'>;
  manifestsDeleted: Counter;
  blobLinksDeleted: Counter;
  blobsDeleted: Counter;
  bytesReclaimed: Counter;
  storageDeletions: Counter<'outcome'>;
  uploadsPurged: Counter;
}

/**
 * Registers the GC series on the service's registry. The backlog gauges are read from the
 * database when Prometheus scrapes, so every replica reports the same, current queue.
 */
export function createGcMetrics(metrics: Metrics, db: RegistryDb, logger: Logger): GcMetrics {
  const registers = [metrics.registry];
  const readBacklog = async () => {
    try {
      return await gcBacklog(db);
    } catch (error) {
      logger.warn('could not read the GC backlog for metrics', { error: (error as Error).message });
      return null;
    }
  };
  new Gauge({
    name: 'stowage_gc_review_backlog',
    help: 'GC reviews that are due and not yet done, by kind (manifest, blob).',
    labelNames: ['kind'],
    registers,
    async collect() {
      const backlog = await readBacklog();
      if (!backlog) return;
      this.set({ kind: 'manifest' }, backlog.dueManifestReviews);
      this.set({ kind: 'blob' }, backlog.dueBlobReviews);
    },
  });
  new Gauge({
    name: 'stowage_gc_oldest_due_review_age_seconds',
    help: 'How long the oldest due GC review has waited past its review time (0 when none is due).',
    registers,
    async collect() {
      const backlog = await readBacklog();
      if (backlog) this.set(backlog.oldestDueReviewAgeSeconds);
    },
  });
  new Gauge({
    name: 'stowage_gc_storage_deletions_pending',
    help: 'Stored objects of deleted blobs not yet removed from storage (failed attempts included).',
    registers,
    async collect() {
      const backlog = await readBacklog();
      if (backlog) this.set(backlog.pendingStorageDeletions);
    },
  });
  return {
    reviews: new Counter({
      name: 'stowage_gc_reviews_total',
      help: 'GC reviews settled (done) or put off because a request held the row (postponed), by kind.',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    batchFailures: new Counter({
      name: 'stowage_gc_batch_failures_total',
      help: 'GC batches that failed and were rolled back (their rows stay due), by step.',
      labelNames: ['step'],
      registers,
    }),
    manifestsDeleted: new Counter({
      name: 'stowage_gc_manifests_deleted_total',
      help: 'Manifests GC deleted because no tag and no index referenced them.',
      registers,
    }),
    blobLinksDeleted: new Counter({
      name: 'stowage_gc_blob_links_deleted_total',
      help: 'Repository blob links GC removed because no manifest of the repository referenced the blob.',
      registers,
    }),
    blobsDeleted: new Counter({
      name: 'stowage_gc_blobs_deleted_total',
      help: 'Blobs GC deleted because nothing referenced them.',
      registers,
    }),
    bytesReclaimed: new Counter({
      name: 'stowage_gc_bytes_reclaimed_total',
      help: 'Bytes of the blobs GC deleted.',
      registers,
    }),
    storageDeletions: new Counter({
      name: 'stowage_gc_storage_deletions_total',
      help: 'Storage deletions of collected blobs: deleted, cancelled (the digest was pushed again) or failed (retried).',
      labelNames: ['outcome'],
      registers,
    }),
    uploadsPurged: new Counter({
      name: 'stowage_gc_uploads_purged_total',
      help: 'Abandoned uploads deleted with their stored parts.',
      registers,
    }),
  };
}
