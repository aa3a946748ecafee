import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBlobStore } from '@stowage/blob-store';
import { createBus, type JobQueue } from '@stowage/bus';
import { createPrismaClient, migrate } from '@stowage/db';
import { createSilentLogger } from '@stowage/logging';
import {
  BULK_TAG_DELETE_QUEUE,
  CLEANUP_POLICY_RUN_QUEUE,
  DEFAULT_CLEANUP_POLICY,
  PrismaClient,
  REGISTRY_MIGRATIONS_DIR,
  REGISTRY_SCHEMA,
  saveCleanupPolicy,
  type BulkTagDeleteJob,
  type Repository,
} from '@stowage/registry-data';
import {
  AMQP_URL,
  deleteEverythingWithPrefix,
  describeWithComponents,
  POSTGRES_URL,
  uniqueName,
  waitFor,
} from '@stowage/testing';
import { createTestDatabase } from '../../../test/e2e/support/postgres-database';
import {
  createRepository,
  daysAgo,
  pushImage,
  tagNames,
} from '../../../libs/registry-data/test/support/registry-fixtures';
import { fixedCleanupLimits, type CleanupLimits } from '../src/adapters/cleanup-limits-client';
import { startCleanupWorker } from '../src/service';
import { openWorkerWorld, WORLD_TIMEOUT_MS } from './support/worker-world';

/** Two tags per run, so a policy run deleting three goes on in a second job. */
const LIMITS: CleanupLimits = { workerCapacity: 4, deleteTagsTimeoutSeconds: 250, maxListSize: 2 };
/** Failed jobs are retried at once, so five attempts take moments, not 15 s. */
const RETRY_BACKOFF_MS = 10;

/** A running worker replica, the queue it consumes and the registry's tables it works on. */
interface MeteredWorld {
  prisma: PrismaClient;
  jobs: JobQueue;
  metricsUrl: string;
  close(): Promise<void>;
}

/** One series' value on the worker's `/metrics`: the line whose labels include `labels` (0 if none). */
async function metricValue(
  world: MeteredWorld,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const text = await (await fetch(world.metricsUrl)).text();
  for (const line of text.split('\n')) {
    const match = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Set(match[2]!.split(','));
    if (Object.entries(labels).every(([key, value]) => present.has(`${key}="${value}"`))) {
      return Number(match[3]);
    }
  }
  return 0;
}

function jobMetricsSuite(open: () => Promise<MeteredWorld>): void {
  let world: MeteredWorld;
  let counter = 0;
  const value = (name: string, labels: Record<string, string>) => metricValue(world, name, labels);
  /** Waits until `name{labels}` has grown by `by` from `before`, then says what it is. */
  const grown = async (name: string, labels: Record<string, string>, before: number, by: number) => {
    await waitFor(`${name} to grow by ${by}`, async () => (await value(name, labels)) >= before + by, 20_000);
    return (await value(name, labels)) - before;
  };
  const repositoryWith = async (projectId: number, tags: string[]): Promise<Repository> => {
    const repository = await createRepository(world.prisma, `group/metrics/app${++counter}`, projectId);
    for (const tag of tags) await pushImage(world.prisma, repository, tag, { createdAt: daysAgo(2) });
    return repository;
  };
  const bulkJob = (repository: Repository, rules: Partial<BulkTagDeleteJob> = {}): BulkTagDeleteJob => ({
    repository_id: Number(repository.id),
    name_regex_delete: 'v.*',
    name_regex_keep: null,
    keep_n: null,
    older_than: null,
    requested_at: new Date().toISOString(),
    ...rules,
  });

  beforeAll(async () => {
    world = await open();
  }, WORLD_TIMEOUT_MS);
  afterAll(() => world?.close(), WORLD_TIMEOUT_MS);

  it('when a bulk deletion runs through the queue, then the job counts as completed and its tags as deleted by bulk_delete', async () => {
    const queue = { queue: BULK_TAG_DELETE_QUEUE };
    const bulk = { cause: 'bulk_delete' };
    const completedBefore = await value('stowage_cleanup_jobs_completed_total', queue);
    const deletedBefore = await value('stowage_cleanup_tags_deleted_total', bulk);
    const repository = await repositoryWith(1, ['latest', 'v1', 'v2', 'v3']);

    await world.jobs.enqueue(BULK_TAG_DELETE_QUEUE, bulkJob(repository));

    expect(await grown('stowage_cleanup_jobs_completed_total', queue, completedBefore, 1)).toBe(1);
    expect(await tagNames(world.prisma, repository.id)).toEqual(['latest']);
    expect((await value('stowage_cleanup_tags_deleted_total', bulk)) - deletedBefore).toBe(3);
    expect(await value('stowage_cleanup_tags_deleted_total', { cause: 'cleanup_policy' })).toBe(0);
  }, 30_000);

  it('when a policy run is cut short by its limits, then it counts as continued, its continuation as finished, and its tags as deleted by cleanup_policy', async () => {
    const projectId = 7000 + ++counter;
    await saveCleanupPolicy(
      world.prisma,
      projectId,
      { ...DEFAULT_CLEANUP_POLICY, enabled: true, nameRegexDelete: 'v.*', keepN: null, olderThan: null },
      new Date(),
    );
    const repository = await repositoryWith(projectId, ['latest', 'v1', 'v2', 'v3']);
    const policy = { cause: 'cleanup_policy' };
    const deletedBefore = await value('stowage_cleanup_tags_deleted_total', policy);
    const finishedBefore = await value('stowage_cleanup_policy_runs_total', { outcome: 'finished' });
    const continuedBefore = await value('stowage_cleanup_policy_runs_total', { outcome: 'continued' });

    await world.jobs.enqueue(CLEANUP_POLICY_RUN_QUEUE, {
      project_id: projectId,
      queued_at: new Date().toISOString(),
    });

    const finished = { outcome: 'finished' };
    expect(await grown('stowage_cleanup_policy_runs_total', finished, finishedBefore, 1)).toBe(1);
    expect(
      (await value('stowage_cleanup_policy_runs_total', { outcome: 'continued' })) - continuedBefore,
    ).toBe(1);
    expect((await value('stowage_cleanup_tags_deleted_total', policy)) - deletedBefore).toBe(3);
    expect(await tagNames(world.prisma, repository.id)).toEqual(['latest']);
    // The job counts as completed once its handler has returned, a moment after the run counted.
    expect(
      await grown('stowage_cleanup_jobs_completed_total', { queue: CLEANUP_POLICY_RUN_QUEUE }, 0, 2),
    ).toBe(2);
  }, 30_000);

  it('when a job fails on every attempt, then each attempt counts as failed, all but the last as retried, and the job as dead-lettered once', async () => {
    const queue = { queue: BULK_TAG_DELETE_QUEUE };
    const before = {
      failed: await value('stowage_cleanup_jobs_failed_total', queue),
      retried: await value('stowage_cleanup_jobs_retried_total', queue),
      deadLettered: await value('stowage_cleanup_jobs_dead_lettered_total', queue),
      completed: await value('stowage_cleanup_jobs_completed_total', queue),
    };
    const repository = await repositoryWith(1, ['v1']);

    // A payload the handler refuses (keep_n must be positive): every attempt throws.
    await world.jobs.enqueue(BULK_TAG_DELETE_QUEUE, { ...bulkJob(repository), keep_n: -2 });

    expect(await grown('stowage_cleanup_jobs_dead_lettered_total', queue, before.deadLettered, 1)).toBe(1);
    expect((await value('stowage_cleanup_jobs_failed_total', queue)) - before.failed).toBe(5);
    expect((await value('stowage_cleanup_jobs_retried_total', queue)) - before.retried).toBe(4);
    expect((await value('stowage_cleanup_jobs_completed_total', queue)) - before.completed).toBe(0);
    await waitFor(
      'the job in the dead-letter queue',
      async () => (await world.jobs.deadLetters(BULK_TAG_DELETE_QUEUE)).length === 1,
      10_000,
    );
    expect(await tagNames(world.prisma, repository.id)).toEqual(['v1']);
  }, 30_000);
}

describe('cleanup job metrics, standalone (PGlite, in-process bus)', () => {
  jobMetricsSuite(async () => {
    const world = await openWorkerWorld({ cleanupLimits: LIMITS, jobRetryBackoffMs: RETRY_BACKOFF_MS });
    return {
      prisma: world.registry.prisma,
      jobs: world.bus.jobs,
      metricsUrl: `${world.worker.http.url}/metrics`,
      close: () => world.close(),
    };
  });
});

describeWithComponents(['postgres', 'rabbitmq'], 'cleanup job metrics on PostgreSQL and RabbitMQ', () => {
  jobMetricsSuite(async () => {
    const prefix = uniqueName('jobmetrics');
    const database = await createTestDatabase(POSTGRES_URL, 'jobmetrics');
    await migrate(database.db, { schema: REGISTRY_SCHEMA, migrationsDir: REGISTRY_MIGRATIONS_DIR });
    const prisma = createPrismaClient(PrismaClient, database.db);
    const dir = mkdtempSync(join(tmpdir(), 'stowage-worker-blobs-'));
    const blobs = createBlobStore({ directory: dir });
    await blobs.initialize();
    const bus = createBus({ amqpUrl: AMQP_URL, prefix, connectionName: prefix });
    const worker = await startCleanupWorker({
      config: { host: '127.0.0.1', port: 0, concurrency: 2, policyScheduleSeconds: 0, gcEnabled: false },
      logger: createSilentLogger(),
      infra: { db: database.db, bus, blobs },
      batchSize: 2,
      cleanupLimits: fixedCleanupLimits(LIMITS),
      jobRetryBackoffMs: RETRY_BACKOFF_MS,
      collectProcessMetrics: false,
    });
    return {
      prisma,
      jobs: bus.jobs,
      metricsUrl: `${worker.http.url}/metrics`,
      async close() {
        await worker.stop();
        await bus.close();
        await blobs.close();
        await prisma.$disconnect();
        await database.drop();
        await deleteEverythingWithPrefix(AMQP_URL, prefix);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});
