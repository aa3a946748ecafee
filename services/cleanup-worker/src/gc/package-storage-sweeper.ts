import { deleteStaleUploads } from '@stowage/package-registry-data';
import { destroyPending, type PackageJobOptions } from '../jobs/package-job-options';
import { startPeriodicTask } from '../scheduling/periodic-task';

export interface PackageStorageSweeper {
  /** One sweep: pending destruction, due storage deletions, then crashed uploads' objects. */
  sweep(): Promise<void>;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/**
 * The package registry's periodic cleanup: destroys what deletions and policies marked (whether or
 * not their job arrived), removes objects whose deletion delay has passed and that no file uses,
 * and deletes uploads older than a day that a crash left in staging. Every replica sweeps; rows
 * are claimed `FOR UPDATE SKIP LOCKED` in bounded batches, so replicas share the work.
 */
export function startPackageStorageSweeper(
  options: PackageJobOptions & {
    /** Pause between sweeps; 0: only when `sweep` is called. */
    intervalMs: number;
  },
): PackageStorageSweeper {
  const { blobs, logger, metrics } = options;

  async function sweepOnce(): Promise<void> {
    const done = await destroyPending(options);
    const uploads = await deleteStaleUploads(blobs);
    metrics?.objectsDeleted.inc({ kind: 'upload' }, uploads.deleted);
    if (done.objectsFailed + uploads.failed > 0) {
      logger.warn('package objects not deleted; retrying later', {
        storageDeletionsFailed: done.objectsFailed,
        uploadsFailed: uploads.failed,
      });
    }
  }

  const task = startPeriodicTask({
    intervalMs: options.intervalMs,
    run: sweepOnce,
    onFailure: (error) =>
      // Also what a worker started before the package registry's first migration logs.
      logger.warn('package storage sweep failed; retrying at the next one', {
        error: error instanceof Error ? error.message : String(error),
      }),
  });
  return { sweep: task.tick, stop: task.stop };
}
