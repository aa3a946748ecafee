import type { JobQueue } from '@stowage/bus';
import { createSilentLogger } from '@stowage/logging';
import { waitFor } from '@stowage/testing';
import {
  CLEANUP_POLICY_RUN_QUEUE,
  DEFAULT_CLEANUP_POLICY,
  saveCleanupPolicy,
  type CleanupPolicy,
  type CleanupPolicyRunJob,
  type PrismaClient,
  type Repository,
} from '@stowage/registry-data';
import {
  createRepository,
  daysAgo,
  outboxPayloads,
  pushImage,
  tagNames,
} from '../../../libs/registry-data/test/support/registry-fixtures';
import { fixedCleanupLimits, type CleanupLimits } from '../src/adapters/cleanup-limits-client';
import { cleanupPolicyRunJob } from '../src/jobs/cleanup-policy-run-job';
import { dyingAfterTransactions } from './support/recording-client';
import { openWorkerWorld, WORLD_TIMEOUT_MS, type WorkerWorld } from './support/worker-world';

/** Runs are cut at 2,500 tags, so large cleanups take several jobs. */
const LIMITS: CleanupLimits = { workerCapacity: 4, deleteTagsTimeoutSeconds: 250, maxListSize: 2500 };
const BATCH_SIZE = 100;

describe('cleanup.policy.run', () => {
  let world: WorkerWorld;
  let prisma: PrismaClient;
  let nextProject = 100;

  beforeAll(async () => {
    world = await openWorkerWorld({ batchSize: BATCH_SIZE, cleanupLimits: LIMITS });
    prisma = world.registry.prisma;
  }, WORLD_TIMEOUT_MS);

  afterAll(() => world?.close(), WORLD_TIMEOUT_MS);

  /** A project with a saved, enabled policy. */
  async function projectWithPolicy(policy: Partial<CleanupPolicy>): Promise<number> {
    const projectId = ++nextProject;
    await saveCleanupPolicy(
      prisma,
      projectId,
      { ...DEFAULT_CLEANUP_POLICY, enabled: true, keepN: null, olderThan: null, ...policy },
      new Date(),
    );
    return projectId;
  }

  /**
   * `count` tags on one manifest, `t00000` the oldest, each a second newer than the one before,
   * all `daysOld` days old or more; inserted in bulk (a push per tag would take minutes).
   */
  async function repositoryWithTags(projectId: number, count: number, daysOld = 100): Promise<Repository> {
    const repository = await createRepository(prisma, `group/p${projectId}/image`, projectId);
    const { manifest } = await pushImage(prisma, repository, 'latest', { createdAt: daysAgo(daysOld + 1) });
    const start = daysAgo(daysOld).getTime() - count * 1000;
    await prisma.tag.createMany({
      data: Array.from({ length: count }, (_, index) => {
        const at = new Date(start + index * 1000);
        return {
          repositoryId: repository.id,
          name: `t${String(index).padStart(5, '0')}`,
          manifestId: manifest.id,
          createdAt: at,
          updatedAt: at,
        };
      }),
    });
    return repository;
  }

  const job = (projectId: number, queuedAt = new Date()): CleanupPolicyRunJob => ({
    project_id: projectId,
    queued_at: queuedAt.toISOString(),
  });
  const deletedTags = async (repository: Repository) =>
    (await outboxPayloads(prisma, 'container.tag.deleted'))
      .filter((event) => event.repository === repository.path)
      .map((event) => event.tag as string);
  const repositoryRow = (repository: Repository) =>
    prisma.repository.findUniqueOrThrow({ where: { id: repository.id } });

  /** The handler as the worker builds it, with the continuations it queues kept for the test. */
  function handlerKeepingContinuations() {
    const continuations: unknown[] = [];
    const jobs = {
      enqueue: async (queue: string, payload: unknown) => {
        continuations.push(payload);
        return `${queue}-${continuations.length}`;
      },
    } as unknown as JobQueue;
    const handler = cleanupPolicyRunJob({
      prisma,
      jobs,
      limits: fixedCleanupLimits(LIMITS),
      logger: createSilentLogger(),
      batchSize: BATCH_SIZE,
    });
    return { handler, continuations };
  }

  it('when a repository has 10,000 tags and keep_n is 10, then four runs of at most 2,500 tags leave exactly latest and the 10 newest', async () => {
    const projectId = await projectWithPolicy({ nameRegexDelete: '.*', keepN: 10, olderThan: '7d' });
    const repository = await repositoryWithTags(projectId, 10_000);
    const { handler, continuations } = handlerKeepingContinuations();
    const deletedPerRun: number[] = [];
    let payload: unknown = job(projectId);
    while (payload !== undefined) {
      const before = await prisma.tag.count({ where: { repositoryId: repository.id } });
      await handler({
        id: `run-${deletedPerRun.length}`,
        queue: CLEANUP_POLICY_RUN_QUEUE,
        payload,
        attempt: 1,
      });
      deletedPerRun.push(before - (await prisma.tag.count({ where: { repositoryId: repository.id } })));
      const status = (await repositoryRow(repository)).expirationPolicyCleanupStatus;
      expect(status).toBe(continuations.length > 0 ? 'cleanup_unfinished' : 'cleanup_unscheduled');
      payload = continuations.shift();
    }

    expect(deletedPerRun).toEqual([2500, 2500, 2500, 2490]);
    const expected = ['latest', ...Array.from({ length: 10 }, (_, i) => `t0${9990 + i}`)];
    expect(await tagNames(prisma, repository.id)).toEqual(expected);
    const deleted = await deletedTags(repository);
    expect(deleted).toHaveLength(9_990);
    expect(new Set(deleted).size).toBe(9_990);
    const row = await repositoryRow(repository);
    expect(row.expirationPolicyStartedAt).not.toBeNull();
    expect(
      (await prisma.containerExpirationPolicy.findUniqueOrThrow({ where: { projectId } })).runQueuedAt,
    ).toBeNull();
  }, 180_000);

  it('when a run is queued on the bus and cut short, then the worker picks up its continuations until it is done', async () => {
    const projectId = await projectWithPolicy({ nameRegexDelete: '.*', keepN: 5 });
    const repository = await repositoryWithTags(projectId, 6_000);
    await world.bus.jobs.enqueue(CLEANUP_POLICY_RUN_QUEUE, job(projectId));
    await waitFor(
      'the run and its continuations',
      async () =>
        (await prisma.containerExpirationPolicy.findUniqueOrThrow({ where: { projectId } })).runQueuedAt ===
          null && (await prisma.tag.count({ where: { repositoryId: repository.id } })) === 6,
      120_000,
    );
    expect(await tagNames(prisma, repository.id)).toEqual([
      'latest',
      ...Array.from({ length: 5 }, (_, i) => `t0${5995 + i}`),
    ]);
    expect(await deletedTags(repository)).toHaveLength(5_995);
    expect(await world.bus.jobs.deadLetters(CLEANUP_POLICY_RUN_QUEUE)).toEqual([]);
  }, 180_000);

  it('when the delete-tags timeout has passed, then a run still deletes one batch and queues the rest', async () => {
    const projectId = await projectWithPolicy({ nameRegexDelete: '.*' });
    const repository = await repositoryWithTags(projectId, 250);
    const continuations: unknown[] = [];
    const handler = cleanupPolicyRunJob({
      prisma,
      jobs: {
        enqueue: async (_queue: string, payload: unknown) => String(continuations.push(payload)),
      } as unknown as JobQueue,
      limits: fixedCleanupLimits({ ...LIMITS, deleteTagsTimeoutSeconds: 0 }),
      logger: createSilentLogger(),
      batchSize: BATCH_SIZE,
    });
    const payload = job(projectId);
    await handler({ id: 'slow', queue: CLEANUP_POLICY_RUN_QUEUE, payload, attempt: 1 });
    expect(await prisma.tag.count({ where: { repositoryId: repository.id } })).toBe(251 - BATCH_SIZE);
    expect(continuations).toEqual([payload]);
    expect((await repositoryRow(repository)).expirationPolicyCleanupStatus).toBe('cleanup_unfinished');
  });

  it('when the same job is delivered twice, then the second deletes nothing more and records no second event', async () => {
    const projectId = await projectWithPolicy({ nameRegexDelete: 't.*', keepN: 5 });
    const repository = await repositoryWithTags(projectId, 20);
    const payload = job(projectId);
    await world.deliver(CLEANUP_POLICY_RUN_QUEUE, payload);
    await world.deliver(CLEANUP_POLICY_RUN_QUEUE, payload);
    expect(await tagNames(prisma, repository.id)).toEqual([
      'latest',
      't00015',
      't00016',
      't00017',
      't00018',
      't00019',
    ]);
    expect((await deletedTags(repository)).sort()).toEqual(
      Array.from({ length: 15 }, (_, i) => `t${String(i).padStart(5, '0')}`),
    );
  });

  it('when a worker dies half-way through a run, then the redelivered job finishes it with no tag deleted twice', async () => {
    const projectId = await projectWithPolicy({ nameRegexDelete: '.*', keepN: 1 });
    const repository = await repositoryWithTags(projectId, 450);
    // Killed after two batches: they are committed whole, the rest is left for the redelivery.
    const dying = dyingAfterTransactions(prisma, 2);
    await expect(
      world.deliver(CLEANUP_POLICY_RUN_QUEUE, job(projectId), { registry: dying }),
    ).rejects.toThrow('worker killed');
    expect((await repositoryRow(repository)).expirationPolicyCleanupStatus).toBe('cleanup_ongoing');
    expect(await prisma.tag.count({ where: { repositoryId: repository.id } })).toBe(451 - 2 * BATCH_SIZE);

    await world.deliver(CLEANUP_POLICY_RUN_QUEUE, job(projectId), { attempt: 2 });
    expect(await tagNames(prisma, repository.id)).toEqual(['latest', 't00449']);
    const deleted = await deletedTags(repository);
    expect(deleted).toHaveLength(449);
    expect(new Set(deleted).size).toBe(449);
    expect((await repositoryRow(repository)).expirationPolicyCleanupStatus).toBe('cleanup_unscheduled');
  });

  it('when a tag is pushed after the run was queued, then the run leaves it alone', async () => {
    const projectId = await projectWithPolicy({ nameRegexDelete: '.*' });
    const repository = await repositoryWithTags(projectId, 3);
    const queuedAt = new Date(Date.now() - 1000);
    await pushImage(prisma, repository, 'fresh');
    await world.deliver(CLEANUP_POLICY_RUN_QUEUE, job(projectId, queuedAt));
    expect(await tagNames(prisma, repository.id)).toEqual(['fresh', 'latest']);
  });

  it('when the payload is malformed, then the job fails and deletes nothing', async () => {
    await expect(world.deliver(CLEANUP_POLICY_RUN_QUEUE, { project_id: 'x' })).rejects.toThrow(
      'malformed cleanup.policy.run job: project_id',
    );
    await expect(world.deliver(CLEANUP_POLICY_RUN_QUEUE, { project_id: 1 })).rejects.toThrow('queued_at');
  });
});
