import type { ManagedBlobStore } from '@stowage/blob-store';
import { createBus, type Bus } from '@stowage/bus';
import type { Database } from '@stowage/db';
import type { RunningService } from '@stowage/http';
import type { Logger } from '@stowage/logging';
import { openBlobFolder } from '../../../../libs/blob-store/test/support/blob-folder';
import { startCleanupWorker } from '../../src/service';

/** Rows per transaction: small, so every deletion takes several batches. */
const BATCH_SIZE = 2;

export interface SchemaWorker {
  blobs: ManagedBlobStore;
  /** Dates an object's file back, as if it were written at `when` (stale-object sweeps go by age). */
  backdate(key: string, when: Date): void;
  bus: Bus;
  /** A running worker replica consuming the bus's job queues. */
  worker: RunningService;
  batchSize: number;
  /** One series' value on the worker's `/metrics`: the line whose labels include `labels` (0 if none). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Stops the worker and closes the bus and the blobs; the database is the caller's. */
  close(): Promise<void>;
}

/**
 * The cleanup-worker on a database holding one data library's schema (the dependency proxy's or
 * the package registry's), the in-process bus and blobs in a folder. Every loop is off: tests
 * tick the schedulers and sweepers themselves, and the other schemas' loops would only fail.
 */
export async function startSchemaWorker(
  db: Database,
  logger: Logger,
  blobPrefix: string,
): Promise<SchemaWorker> {
  const folder = await openBlobFolder(blobPrefix);
  const bus = createBus();
  const worker = await startCleanupWorker({
    config: {
      host: '127.0.0.1',
      port: 0,
      concurrency: 1,
      policyScheduleSeconds: 0,
      proxyTtlScheduleSeconds: 0,
      packageCleanupScheduleSeconds: 0,
      packageSweepIntervalMs: 0,
      gcEnabled: false,
    },
    logger,
    infra: { db, bus, blobs: folder.blobs },
    batchSize: BATCH_SIZE,
    proxyStorageSweepMs: 0,
    collectProcessMetrics: false,
  });
  return {
    blobs: folder.blobs,
    backdate: folder.backdate,
    bus,
    worker,
    batchSize: BATCH_SIZE,
    async metric(name, labels = {}) {
      const text = await (await fetch(`${worker.http.url}/metrics`)).text();
      const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
      const line = text
        .split('\n')
        .find(
          (l) =>
            (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) &&
            wanted.every((label) => l.includes(label)),
        );
      return line ? Number(line.split(' ').pop()) : 0;
    },
    async close() {
      await worker.stop();
      await bus.close();
      await folder.close();
    },
  };
}
