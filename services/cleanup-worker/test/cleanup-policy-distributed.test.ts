import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBlobStore, type ManagedBlobStore } from '@stowage/blob-store';
import { createBus, type Bus, type JobHandler } from '@stowage/bus';
import { createPrismaClient, migrate, openDatabase, type Database } from '@stowage/db';
import type { RunningService } from '@stowage/http';
import { createSilentLogger } from '@stowage/logging';
import {
  claimDueCleanupPolicies,
  CLEANUP_POLICY_RUN_QUEUE,
  DEFAULT_CLEANUP_POLICY,
  PrismaClient,
  REGISTRY_MIGRATIONS_DIR,
  REGISTRY_SCHEMA,
  saveCleanupPolicy,
} from '@stowage/registry-data';
import {
  AMQP_URL,
  closeConnectionFromServer,
  deleteEverythingWithPrefix,
  describeWithComponents,
  POSTGRES_URL,
  uniqueName,
  waitFor,
} from '@stowage/testing';
import { createTestDatabase, type TestDatabase } from '../../../test/e2e/support/postgres-database';
import {
  createRepository,
  daysAgo,
  outboxPayloads,
  pushImage,
  tagNames,
} from '../../../libs/registry-data/test/support/registry-fixtures';
import { fixedCleanupLimits, type CleanupLimits } from '../src/adapters/cleanup-limits-client';
import { createJobHandlers } from '../src/jobs/job-handlers';
import { startCleanupWorker } from '../src/service';

const PROJECTS = 12;
const TAGS_PER_PROJECT = 40;
const KEEP_N = 5;
/** Small, so each project's run takes several jobs that any replica may take. */
const LIMITS: CleanupLimits = { workerCapacity: PROJECTS, deleteTagsTimeoutSeconds: 250, maxListSize: 10 };

interface Replica {
  db: Database;
  bus: Bus;
  worker: RunningService;
  /** `project_id` and `queued_at` of every job this replica ran. */
  ran: { project_id: number; queued_at: string }[];
}

describeWithComponents(
  ['postgres', 'rabbitmq'],
  'cleanup policies on three worker replicas (PostgreSQL, RabbitMQ)',
  () => {
    const prefix = uniqueName('policies');
    const logger = createSilentLogger();
    let database: TestDatabase;
    let prisma: PrismaClient;
    let blobs: ManagedBlobStore;
    let dir: string;
    const replicas: Replica[] = [];

    /** A replica as main.ts starts one: its own pool and broker connection, its scheduler ticking every second. */
    async function startReplica(index: number): Promise<Replica> {
      const db = await openDatabase({ url: database.url, maxConnections: 3 });
      const bus = createBus({ amqpUrl: AMQP_URL, prefix, connectionName: `${prefix}-${index}` });
      const ran: Replica['ran'] = [];
      const own = createPrismaClient(PrismaClient, db);
      const handlers = createJobHandlers({
        registry: own,
        blobs,
        logger,
        batchSize: 3,
        jobs: bus.jobs,
        cleanupLimits: fixedCleanupLimits(LIMITS),
      });
      const policyRun = handlers[CLEANUP_POLICY_RUN_QUEUE]!;
      const recorded: JobHandler = async (job) => {
        await policyRun(job);
        ran.push(job.payload as Replica['ran'][number]);
      };
      const worker = await startCleanupWorker({
        config: { host: '127.0.0.1', port: 0, concurrency: 1, policyScheduleSeconds: 1 },
        logger,
        infra: { db, bus, blobs },
        handlers: { [CLEANUP_POLICY_RUN_QUEUE]: recorded },
        cleanupLimits: fixedCleanupLimits(LIMITS),
        collectProcessMetrics: false,
      });
      return { db, bus, worker, ran };
    }

    beforeAll(async () => {
      database = await createTestDatabase(POSTGRES_URL, 'policies');
      await migrate(database.db, { schema: REGISTRY_SCHEMA, migrationsDir: REGISTRY_MIGRATIONS_DIR });
      prisma = createPrismaClient(PrismaClient, database.db);
      dir = mkdtempSync(join(tmpdir(), 'stowage-policy-blobs-'));
      blobs = createBlobStore({ directory: dir });
      await blobs.initialize();
    }, 60_000);

    afterAll(async () => {
      for (const replica of replicas) {
        await replica.worker.stop();
        await replica.bus.close();
        await replica.db.close();
      }
      await blobs?.close();
      await prisma?.$disconnect();
      await database?.drop();
      await deleteEverythingWithPrefix(AMQP_URL, prefix);
      if (dir) rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    it('when three schedulers claim at the same moment on PostgreSQL, then each due policy is claimed by one of them', async () => {
      const clients = await Promise.all(
        [1, 2, 3].map(async () => {
          const db = await openDatabase({ url: database.url, maxConnections: 2 });
          return { db, prisma: createPrismaClient(PrismaClient, db) };
        }),
      );
      try {
        const projectIds = Array.from({ length: 30 }, (_, i) => 1000 + i);
        for (const projectId of projectIds) {
          await saveCleanupPolicy(
            prisma,
            projectId,
            { ...DEFAULT_CLEANUP_POLICY, enabled: true },
            daysAgo(2),
          );
        }
        const now = new Date();
        const claims = await Promise.all(
          clients.map((client) => claimDueCleanupPolicies(client.prisma, now, 100)),
        );
        const claimed = claims.flat().map((claim) => claim.projectId);
        expect(claimed.sort((a, b) => a - b)).toEqual(projectIds);
        await prisma.containerExpirationPolicy.deleteMany({ where: { projectId: { in: projectIds } } });
      } finally {
        for (const client of clients) {
          await client.prisma.$disconnect();
          await client.db.close();
        }
      }
    });

    it('when policies fall due, then three replicas queue each run once, share its jobs, and delete every tag once', async () => {
      const paths: string[] = [];
      for (let projectId = 1; projectId <= PROJECTS; projectId++) {
        const repository = await createRepository(prisma, `team/p${projectId}/app`, projectId);
        paths.push(repository.path);
        const { manifest } = await pushImage(prisma, repository, 'latest', { createdAt: daysAgo(30) });
        await prisma.tag.createMany({
          data: Array.from({ length: TAGS_PER_PROJECT }, (_, i) => ({
            repositoryId: repository.id,
            name: `v${i}`,
            manifestId: manifest.id,
            createdAt: daysAgo(20 - i * 0.1),
            updatedAt: daysAgo(20 - i * 0.1),
          })),
        });
        // Saved two days ago with a daily cadence: due since yesterday.
        await saveCleanupPolicy(
          prisma,
          projectId,
          {
            ...DEFAULT_CLEANUP_POLICY,
            enabled: true,
            nameRegexDelete: 'v.*',
            keepN: KEEP_N,
            olderThan: '7d',
          },
          daysAgo(2),
        );
      }

      for (const index of [1, 2, 3]) replicas.push(await startReplica(index));

      const expectedDeleted = PROJECTS * (TAGS_PER_PROJECT - KEEP_N);
      await waitFor(
        'every policy run to finish',
        async () => {
          const left = await prisma.tag.count({ where: { repository: { path: { in: paths } } } });
          const inFlight = await prisma.containerExpirationPolicy.count({
            where: { projectId: { lte: PROJECTS }, runQueuedAt: { not: null } },
          });
          return left === PROJECTS * (KEEP_N + 1) && inFlight === 0;
        },
        90_000,
      );

      const deleted = (await outboxPayloads(prisma, 'container.tag.deleted')).map(
        (event) => `${event.repository as string}:${event.tag as string}`,
      );
      expect(deleted).toHaveLength(expectedDeleted);
      expect(new Set(deleted).size).toBe(expectedDeleted);

      const jobs = replicas.flatMap((replica) => replica.ran);
      // Each project's run was queued once: one queued_at per project, whichever replica claimed it.
      const runsPerProject = new Map<number, Set<string>>();
      for (const job of jobs) {
        runsPerProject.set(
          job.project_id,
          (runsPerProject.get(job.project_id) ?? new Set()).add(job.queued_at),
        );
      }
      expect([...runsPerProject.keys()].sort((a, b) => a - b)).toEqual(
        Array.from({ length: PROJECTS }, (_, i) => i + 1),
      );
      expect([...runsPerProject.values()].every((runs) => runs.size === 1)).toBe(true);
      // 35 tags at most 10 a job: exactly four jobs per run, none run twice.
      expect(jobs).toHaveLength(PROJECTS * Math.ceil((TAGS_PER_PROJECT - KEEP_N) / LIMITS.maxListSize));
      // The replicas shared the work.
      expect(replicas.every((replica) => replica.ran.length > 0)).toBe(true);
      for (const replica of replicas)
        expect(await replica.bus.jobs.deadLetters(CLEANUP_POLICY_RUN_QUEUE)).toEqual([]);
      const next = await prisma.containerExpirationPolicy.findMany({
        where: { projectId: { lte: PROJECTS } },
      });
      expect(next.every((policy) => policy.nextRunAt!.getTime() > Date.now())).toBe(true);
    }, 120_000);

    it('when a replica dies mid-run (its broker connection cut, its handler never finishing), then another finishes the run and no tag is deleted twice', async () => {
      const killPrefix = uniqueName('policies-kill');
      const projectId = 500;
      const repository = await createRepository(prisma, `team/p${projectId}/app`, projectId);
      const { manifest } = await pushImage(prisma, repository, 'latest', { createdAt: daysAgo(30) });
      await prisma.tag.createMany({
        data: Array.from({ length: 60 }, (_, i) => ({
          repositoryId: repository.id,
          name: `v${String(i).padStart(2, '0')}`,
          manifestId: manifest.id,
          createdAt: daysAgo(20 - i * 0.1),
          updatedAt: daysAgo(20 - i * 0.1),
        })),
      });
      await saveCleanupPolicy(
        prisma,
        projectId,
        { ...DEFAULT_CLEANUP_POLICY, enabled: true, nameRegexDelete: 'v.*', keepN: KEEP_N, olderThan: '7d' },
        new Date(),
      );
      const oneRun: CleanupLimits = { ...LIMITS, maxListSize: 1000 };

      // The doomed replica: after two batches its database calls never return, as in a frozen process.
      let thaw!: (reason: Error) => void;
      const frozen = new Promise<never>((_resolve, reject) => {
        thaw = reject;
      });
      frozen.catch(() => undefined);
      let transactions = 0;
      const doomedDb = await openDatabase({ url: database.url, maxConnections: 2 });
      const doomedPrisma = createPrismaClient(PrismaClient, doomedDb);
      const freezing = new Proxy(doomedPrisma, {
        get(target, property) {
          const value = Reflect.get(target, property, target) as unknown;
          if (property !== '$transaction' || typeof value !== 'function') return value;
          return (...args: unknown[]) =>
            ++transactions > 2 ? frozen : (value as (...a: unknown[]) => unknown).apply(target, args);
        },
      });
      const doomedName = `${killPrefix}-doomed`;
      const doomedBus = createBus({ amqpUrl: AMQP_URL, prefix: killPrefix, connectionName: doomedName });
      const doomed = await startCleanupWorker({
        config: { host: '127.0.0.1', port: 0, concurrency: 1, policyScheduleSeconds: 0 },
        logger,
        infra: { db: doomedDb, bus: doomedBus, blobs },
        handlers: {
          [CLEANUP_POLICY_RUN_QUEUE]: createJobHandlers({
            registry: freezing,
            blobs,
            logger,
            batchSize: 3,
            jobs: doomedBus.jobs,
            cleanupLimits: fixedCleanupLimits(oneRun),
          })[CLEANUP_POLICY_RUN_QUEUE]!,
        },
        collectProcessMetrics: false,
      });
      const survivors: { bus: Bus; worker: RunningService }[] = [];
      try {
        await doomedBus.jobs.enqueue(CLEANUP_POLICY_RUN_QUEUE, {
          project_id: projectId,
          queued_at: new Date().toISOString(),
        });
        await waitFor('the doomed replica to freeze mid-run', async () => transactions > 2, 30_000);
        expect(await prisma.tag.count({ where: { repositoryId: repository.id } })).toBe(61 - 6);

        for (const index of [1, 2]) {
          const bus = createBus({
            amqpUrl: AMQP_URL,
            prefix: killPrefix,
            connectionName: `${killPrefix}-${index}`,
          });
          const worker = await startCleanupWorker({
            config: { host: '127.0.0.1', port: 0, concurrency: 1, policyScheduleSeconds: 0 },
            logger,
            infra: { db: database.db, bus, blobs },
            cleanupLimits: fixedCleanupLimits(oneRun),
            batchSize: 3,
            collectProcessMetrics: false,
          });
          survivors.push({ bus, worker });
        }
        // The broker sees the replica go: its unacknowledged job goes back to the queue.
        await closeConnectionFromServer(doomedName);

        await waitFor(
          'another replica to finish the run',
          async () => (await prisma.tag.count({ where: { repositoryId: repository.id } })) === KEEP_N + 1,
          60_000,
        );
        const deleted = (await outboxPayloads(prisma, 'container.tag.deleted'))
          .filter((event) => event.repository === repository.path)
          .map((event) => event.tag as string);
        expect(deleted).toHaveLength(60 - KEEP_N);
        expect(new Set(deleted).size).toBe(60 - KEEP_N);
        expect(await tagNames(prisma, repository.id)).toEqual(['latest', 'v55', 'v56', 'v57', 'v58', 'v59']);
      } finally {
        thaw(new Error('the frozen replica is stopped'));
        for (const { bus, worker } of survivors) {
          await worker.stop();
          await bus.close();
        }
        await doomed.stop();
        await doomedBus.close();
        await doomedPrisma.$disconnect();
        await doomedDb.close();
        await deleteEverythingWithPrefix(AMQP_URL, killPrefix);
      }
    }, 120_000);
  },
);
