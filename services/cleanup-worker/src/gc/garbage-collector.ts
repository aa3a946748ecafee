import type { BlobStore } from '@stowage/blob-store';
import type { Logger } from '@stowage/logging';
import {
  deleteCollectedObjects,
  gcBacklog,
  purgeAbandonedUploads,
  reviewDueBlobs,
  reviewDueManifests,
  type PrismaClient,
} from '@stowage/registry-data';
import type { GcMetrics } from './gc-metrics';

export interface GarbageCollectorOptions {
  prisma: PrismaClient;
  blobs: BlobStore;
  logger: Logger;
  metrics: GcMetrics;
  /** Rows claimed per transaction. */
  batchSize: number;
  /** Uploads untouched for longer than this are purged. */
  uploadPurgeAfterMs: number;
  /** Longest sleep when nothing is due (the sleep ends sooner when a review is due sooner). */
  idleIntervalMs: number;
}

/** What one pass did; a pass that did anything is followed at once by another. */
export interface PassOutcome {
  manifestsDeleted: number;
  blobsDeleted: number;
  objectsDeleted: number;
  uploadsPurged: number;
  /** Rows claimed in all (settled, postponed, cancelled or failed). */
  touched: number;
}

const MIN_SLEEP_MS = 50;
const FAILURE_BACKOFF_MS = 1_000;
/** Each purged upload costs storage calls inside the batch's transaction: keep batches small. */
const MAX_UPLOAD_PURGE_BATCH = 20;

/**
 * Online garbage collection: a loop that polls the registry's review queues, storage deletions
 * and uploads, in batches claimed with `FOR UPDATE SKIP LOCKED`, so any number of worker replicas
 * share them. Polling rather than a RabbitMQ trigger because reviews are due by time and the
 * queue tables are already the durable, transactional record of them (ADR 0008). Every step is
 * one transaction per batch: a replica killed mid-batch rolls back and another one takes the rows.
 */
export class GarbageCollector {
  private running: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private failedSteps = 0;

  constructor(private readonly options: GarbageCollectorOptions) {}

  /** Starts the loop in the background. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Stops after the batch in progress commits. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = null;
  }

  /** One pass over every step, one batch each (tests and benchmarks call it directly). */
  async runPass(): Promise<PassOutcome> {
    const { prisma, blobs, metrics, batchSize } = this.options;
    const manifests = await this.step('manifest_reviews', () => reviewDueManifests(prisma, { batchSize }), {
      reviewed: 0,
      deleted: 0,
      postponed: 0,
    });
    const reviewedBlobs = await this.step('blob_reviews', () => reviewDueBlobs(prisma, { batchSize }), {
      reviewed: 0,
      unlinked: 0,
      deletedBlobs: 0,
      deletedBytes: 0,
      postponed: 0,
    });
    const objects = await this.step(
      'storage_deletions',
      () => deleteCollectedObjects(prisma, blobs, { batchSize }),
      { deleted: 0, cancelled: 0, failed: 0 },
    );
    const uploads = await this.step(
      'upload_purge',
      () =>
        purgeAbandonedUploads(prisma, blobs, {
          olderThanMs: this.options.uploadPurgeAfterMs,
          batchSize: Math.min(batchSize, MAX_UPLOAD_PURGE_BATCH),
        }),
      { purged: 0, failed: 0 },
    );
    metrics.reviews.inc({ kind: 'manifest', outcome: 'done' }, manifests.reviewed);
    metrics.reviews.inc({ kind: 'manifest', outcome: 'postponed' }, manifests.postponed);
    metrics.manifestsDeleted.inc(manifests.deleted);
    metrics.reviews.inc({ kind: 'blob', outcome: 'done' }, reviewedBlobs.reviewed);
    metrics.reviews.inc({ kind: 'blob', outcome: 'postponed' }, reviewedBlobs.postponed);
    metrics.blobLinksDeleted.inc(reviewedBlobs.unlinked);
    metrics.blobsDeleted.inc(reviewedBlobs.deletedBlobs);
    metrics.bytesReclaimed.inc(reviewedBlobs.deletedBytes);
    metrics.storageDeletions.inc({ outcome: 'deleted' }, objects.deleted);
    metrics.storageDeletions.inc({ outcome: 'cancelled' }, objects.cancelled);
    metrics.storageDeletions.inc({ outcome: 'failed' }, objects.failed);
    metrics.uploadsPurged.inc(uploads.purged);
    return {
      manifestsDeleted: manifests.deleted,
      blobsDeleted: reviewedBlobs.deletedBlobs,
      objectsDeleted: objects.deleted,
      uploadsPurged: uploads.purged,
      touched:
        manifests.reviewed +
        manifests.postponed +
        reviewedBlobs.reviewed +
        reviewedBlobs.postponed +
        objects.deleted +
        objects.cancelled +
        uploads.purged,
    };
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const failuresBefore = this.failedSteps;
      const { touched } = await this.runPass();
      if (this.stopping) break;
      if (this.failedSteps > failuresBefore) await this.sleep(FAILURE_BACKOFF_MS);
      else if (touched === 0) await this.sleep(await this.idleSleepMs());
    }
  }

  /** Until the next review is due, at most the idle interval. */
  private async idleSleepMs(): Promise<number> {
    const { idleIntervalMs } = this.options;
    try {
      const { nextReviewAt } = await gcBacklog(this.options.prisma);
      if (!nextReviewAt) return idleIntervalMs;
      return Math.min(idleIntervalMs, Math.max(MIN_SLEEP_MS, nextReviewAt.getTime() - Date.now()));
    } catch {
      return idleIntervalMs;
    }
  }

  /** Runs one step's batch; a failure is counted, logged, and reported as `nothing` done. */
  private async step<T>(name: string, run: () => Promise<T>, nothing: T): Promise<T> {
    try {
      return await run();
    } catch (error) {
      this.failedSteps++;
      this.options.metrics.batchFailures.inc({ step: name });
      // Transient (a deadlock with another worker, an outage): the batch rolled back and stays due.
      this.options.logger.warn('garbage collection batch failed; its rows stay due', {
        step: name,
        error: (error as Error).message,
      });
      return nothing;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }
}
