import type { JobQueue } from '@stowage/bus';
import { createSilentLogger } from '@stowage/logging';
import {
  CLEANUP_POLICY_RUN_QUEUE,
  DEFAULT_CLEANUP_POLICY,
  saveCleanupPolicy,
  STALE_RUN_MS,
  type CleanupPolicy,
} from '@stowage/registry-data';
import { openRegistryDb, type RegistryDbFixture } from '../../../libs/registry-data/test/support/registry-db';
import { createRepository } from '../../../libs/registry-data/test/support/registry-fixtures';
import { DEFAULT_CLEANUP_LIMITS, fixedCleanupLimits } from '../src/adapters/cleanup-limits-client';
import { startCleanupPolicyScheduler } from '../src/scheduling/cleanup-policy-scheduler';

const DAY = 86_400_000;

/** A job queue that records what it is given, or refuses it (a broker outage). */
function recordingQueue() {
  const queued: { queue: string; payload: { project_id: number; queued_at: string } }[] = [];
  const state = { failing: false };
  const jobs = {
    enqueue: async (queue: string, payload: { project_id: number; queued_at: string }) => {
      if (state.failing) throw new Error('the broker refused the job');
      queued.push({ queue, payload });
      return String(queued.length);
    },
  } as unknown as JobQueue;
  return { jobs, queued, state };
}

describe('the cleanup policy scheduler (PGlite, as in standalone mode)', () => {
  let registry: RegistryDbFixture;
  let nextProject = 0;

  beforeAll(async () => {
    registry = await openRegistryDb();
  }, 120_000);
  afterAll(() => registry?.close());

  beforeEach(async () => {
    // Each test sees only its own policies.
    await registry.prisma.containerExpirationPolicy.deleteMany();
  });

  /** A saved policy whose next run is `dueInMs` from now (negative: overdue), with one repository. */
  async function policy(dueInMs: number, overrides: Partial<CleanupPolicy> = {}): Promise<number> {
    const projectId = ++nextProject;
    await saveCleanupPolicy(
      registry.prisma,
      projectId,
      { ...DEFAULT_CLEANUP_POLICY, enabled: true, ...overrides },
      new Date(),
    );
    await registry.prisma.containerExpirationPolicy.update({
      where: { projectId },
      data: { nextRunAt: new Date(Date.now() + dueInMs) },
    });
    await createRepository(registry.prisma, `sched/p${projectId}`, projectId);
    return projectId;
  }

  function scheduler(capacity = DEFAULT_CLEANUP_LIMITS.workerCapacity) {
    const queue = recordingQueue();
    const running = startCleanupPolicyScheduler({
      prisma: registry.prisma,
      jobs: queue.jobs,
      limits: fixedCleanupLimits({ ...DEFAULT_CLEANUP_LIMITS, workerCapacity: capacity }),
      logger: createSilentLogger(),
      intervalMs: 0,
    });
    return { ...queue, tick: running.tick, stop: running.stop };
  }

  const row = (projectId: number) =>
    registry.prisma.containerExpirationPolicy.findUniqueOrThrow({ where: { projectId } });
  const statusOf = async (projectId: number) =>
    (await registry.prisma.repository.findFirstOrThrow({ where: { projectId } }))
      .expirationPolicyCleanupStatus;

  it('when enabled policies are due, then one run each is queued, next_run_at moves on by the cadence and a second tick queues nothing', async () => {
    const daily = await policy(-1000);
    const weekly = await policy(-DAY, { cadence: '7d' });
    const disabled = await policy(-1000, { enabled: false });
    const later = await policy(DAY);
    const { tick, queued, stop } = scheduler();

    const before = Date.now();
    expect(await tick()).toBe(2);
    expect(await tick()).toBe(0);
    await stop();

    expect(queued.map((job) => job.payload.project_id).sort()).toEqual([daily, weekly].sort());
    expect(queued.every((job) => job.queue === CLEANUP_POLICY_RUN_QUEUE)).toBe(true);
    const dailyRow = await row(daily);
    expect(dailyRow.nextRunAt!.getTime()).toBeGreaterThanOrEqual(before + DAY);
    expect(dailyRow.runQueuedAt?.toISOString()).toBe(queued[0]!.payload.queued_at);
    expect((await row(weekly)).nextRunAt!.getTime()).toBeGreaterThanOrEqual(before + 7 * DAY);
    expect(await statusOf(daily)).toBe('cleanup_scheduled');
    expect(await statusOf(disabled)).toBe('cleanup_unscheduled');
    expect((await row(later)).runQueuedAt).toBeNull();
  });

  it('when more policies are due than the capacity allows, then only that many runs are in flight at once', async () => {
    const projects = [await policy(-3000), await policy(-2000), await policy(-1000)];
    const { tick, queued, stop } = scheduler(2);
    expect(await tick()).toBe(2);
    expect(await tick()).toBe(0);
    expect(queued.map((job) => job.payload.project_id)).toEqual(projects.slice(0, 2));

    // One run finishes: room for the third.
    await registry.prisma.containerExpirationPolicy.update({
      where: { projectId: projects[0] },
      data: { runQueuedAt: null },
    });
    expect(await tick()).toBe(1);
    expect(queued.map((job) => job.payload.project_id)).toEqual(projects);
    await stop();
  });

  it('when the capacity is 0, then nothing is scheduled', async () => {
    await policy(-1000);
    const { tick, stop } = scheduler(0);
    expect(await tick()).toBe(0);
    await stop();
  });

  it('when the broker refuses the job, then the claim is given back and the next tick queues the run', async () => {
    const projectId = await policy(-1000);
    const due = (await row(projectId)).nextRunAt;
    const { tick, queued, state, stop } = scheduler();
    state.failing = true;
    expect(await tick()).toBe(0);
    expect(await row(projectId)).toMatchObject({ nextRunAt: due, runQueuedAt: null });
    expect(await statusOf(projectId)).toBe('cleanup_unscheduled');

    state.failing = false;
    expect(await tick()).toBe(1);
    expect(queued).toHaveLength(1);
    await stop();
  });

  it('when a run was queued more than a day ago and never finished, then it stops counting and the policy is queued again', async () => {
    const projectId = await policy(-1000);
    await registry.prisma.containerExpirationPolicy.update({
      where: { projectId },
      data: { runQueuedAt: new Date(Date.now() - STALE_RUN_MS - 1000) },
    });
    const { tick, queued, stop } = scheduler(1);
    expect(await tick()).toBe(1);
    expect(queued.map((job) => job.payload.project_id)).toEqual([projectId]);
    await stop();
  });

  it('when several schedulers tick at once, then each due policy is queued once', async () => {
    const projects = await Promise.all(Array.from({ length: 12 }, (_, i) => policy(-1000 - i)));
    const schedulers = [scheduler(100), scheduler(100), scheduler(100)];
    await Promise.all(schedulers.map((s) => s.tick()));
    const all = schedulers.flatMap((s) => s.queued.map((job) => job.payload.project_id));
    expect(all.sort((a, b) => a - b)).toEqual([...projects].sort((a, b) => a - b));
    await Promise.all(schedulers.map((s) => s.stop()));
  });
});
