import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBlobStore, type ManagedBlobStore } from '@stowage/blob-store';
import { createBus, type Bus, type Job } from '@stowage/bus';
import type { RunningService } from '@stowage/http';
import { createSilentLogger } from '@stowage/logging';
import type { PrismaClient } from '@stowage/registry-data';
import {
  openRegistryDb,
  type RegistryDbFixture,
} from '../../../../libs/registry-data/test/support/registry-db';
import {
  DEFAULT_CLEANUP_LIMITS,
  fixedCleanupLimits,
  type CleanupLimits,
} from '../../src/adapters/cleanup-limits-client';
import { createJobHandlers } from '../../src/jobs/job-handlers';
import { startCleanupWorker } from '../../src/service';

/** Rows per transaction in these tests: small, so every deletion takes several batches. */
export const TEST_BATCH_SIZE = 2;

/** A PGlite database starts and migrates: slow on a busy 2-core machine. */
export const WORLD_TIMEOUT_MS = 120_000;

export interface WorkerWorld {
  registry: RegistryDbFixture;
  blobs: ManagedBlobStore;
  bus: Bus;
  /** A running worker replica consuming the bus's job queues. */
  worker: RunningService;
  /**
   * Delivers `payload` to the handler of `queue` by hand, as the bus would (a redelivery, a
   * given attempt), optionally on another client of the same database (one that fails).
   */
  deliver(
    queue: string,
    payload: unknown,
    options?: { attempt?: number; registry?: PrismaClient },
  ): Promise<void>;
  close(): Promise<void>;
}

export interface WorkerWorldOptions {
  /** Rows per transaction (default TEST_BATCH_SIZE). */
  batchSize?: number;
  /** The cleanup limits the worker sees (default GitLab's). */
  cleanupLimits?: CleanupLimits;
  /** First pause before the worker's bus retries a failed job (default the bus's, 1 s). */
  jobRetryBackoffMs?: number;
}

/**
 * The cleanup-worker on the standalone adapters: PGlite, the in-process bus, blobs in a folder.
 * Its scheduler does not tick on its own (tests call it).
 */
export async function openWorkerWorld(options: WorkerWorldOptions = {}): Promise<WorkerWorld> {
  const batchSize = options.batchSize ?? TEST_BATCH_SIZE;
  const cleanupLimits = fixedCleanupLimits(options.cleanupLimits ?? DEFAULT_CLEANUP_LIMITS);
  const registry = await openRegistryDb();
  const dir = mkdtempSync(join(tmpdir(), 'stowage-worker-blobs-'));
  const blobs = createBlobStore({ directory: dir });
  await blobs.initialize();
  const bus = createBus();
  const logger = createSilentLogger();
  const worker = await startCleanupWorker({
    config: { host: '127.0.0.1', port: 0, concurrency: 1, policyScheduleSeconds: 0 },
    logger,
    infra: { db: registry.db, bus, blobs },
    batchSize,
    cleanupLimits,
    jobRetryBackoffMs: options.jobRetryBackoffMs,
    collectProcessMetrics: false,
  });
  let deliveries = 0;
  return {
    registry,
    blobs,
    bus,
    worker,
    deliver(queue, payload, delivery = {}) {
      const handlers = createJobHandlers({
        registry: delivery.registry ?? registry.prisma,
        blobs,
        logger,
        batchSize,
        jobs: bus.jobs,
        cleanupLimits,
      });
      const job: Job = { id: `manual-${++deliveries}`, queue, payload, attempt: delivery.attempt ?? 1 };
      return handlers[queue]!(job);
    },
    async close() {
      await worker.stop();
      await bus.close();
      await blobs.close();
      await registry.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
