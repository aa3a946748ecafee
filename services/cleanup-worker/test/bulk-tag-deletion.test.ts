import { waitFor } from '@stowage/testing';
import {
  BULK_TAG_DELETE_QUEUE,
  type BulkTagDeleteJob,
  type PrismaClient,
  type Repository,
} from '@stowage/registry-data';
import {
  createRepository,
  daysAgo,
  hoursAgo,
  outboxPayloads,
  pushImage,
  tagNames,
} from '../../../libs/registry-data/test/support/registry-fixtures';
import { dyingAfterTransactions } from './support/recording-client';
import { openWorkerWorld, WORLD_TIMEOUT_MS, type WorkerWorld } from './support/worker-world';

describe('registry.tags.bulk_delete', () => {
  let world: WorkerWorld;
  let prisma: PrismaClient;
  let counter = 0;

  /** A repository whose tags were last pushed `age` hours ago each. */
  const repositoryWith = async (tags: Record<string, number>): Promise<Repository> => {
    const repository = await createRepository(prisma, `group/app/bulk${++counter}`, 3);
    for (const [name, age] of Object.entries(tags))
      await pushImage(prisma, repository, name, { createdAt: hoursAgo(age) });
    return repository;
  };
  const job = (repository: Repository, rules: Partial<BulkTagDeleteJob>): BulkTagDeleteJob => ({
    repository_id: Number(repository.id),
    name_regex_delete: '.*',
    name_regex_keep: null,
    keep_n: null,
    older_than: null,
    requested_at: new Date().toISOString(),
    ...rules,
  });
  const run = async (repository: Repository, rules: Partial<BulkTagDeleteJob>) => {
    await world.deliver(BULK_TAG_DELETE_QUEUE, job(repository, rules));
    return tagNames(prisma, repository.id);
  };

  beforeAll(async () => {
    world = await openWorkerWorld();
    prisma = world.registry.prisma;
  }, WORLD_TIMEOUT_MS);

  afterAll(() => world?.close(), WORLD_TIMEOUT_MS);

  it('when the job arrives through the queue, then the selected tags go, each with its event, and their manifests await review', async () => {
    const repository = await repositoryWith({ latest: 1, v1: 5, v2: 4, v3: 3 });
    const before = await prisma.tag.findMany({
      where: { repositoryId: repository.id },
      include: { manifest: true },
    });
    await world.bus.jobs.enqueue(BULK_TAG_DELETE_QUEUE, job(repository, { name_regex_delete: 'v.*' }));
    await waitFor(
      'the v tags to be gone',
      async () => (await tagNames(prisma, repository.id)).length === 1,
      30_000,
    );

    expect(await tagNames(prisma, repository.id)).toEqual(['latest']);
    const deleted = before.filter((tag) => tag.name !== 'latest');
    const events = (await outboxPayloads(prisma, 'container.tag.deleted')).filter(
      (e) => e.repository === repository.path,
    );
    expect(events).toHaveLength(3);
    expect(events).toEqual(
      expect.arrayContaining(
        deleted.map((tag) => ({
          repository: repository.path,
          project_id: 3,
          tag: tag.name,
          digest: tag.manifest.digest,
        })),
      ),
    );
    const reviews = await prisma.gcManifestReview.findMany({ where: { repositoryId: repository.id } });
    expect(reviews.map((review) => review.manifestId).sort()).toEqual(
      deleted.map((tag) => tag.manifestId).sort(),
    );
  });

  it('when the delete pattern matches everything, then latest is kept all the same', async () => {
    const repository = await repositoryWith({ latest: 100, a: 50, b: 40 });
    expect(await run(repository, { name_regex_delete: '.*', older_than: '1h' })).toEqual(['latest']);
  });

  it('when a pattern matches only part of a name, then the name is kept: patterns match whole names', async () => {
    const repository = await repositoryWith({ v1: 3, v10: 3, xv1: 3, 'v1-rc': 3 });
    expect(await run(repository, { name_regex_delete: 'v1' })).toEqual(['v1-rc', 'v10', 'xv1']);
  });

  it('when the keep pattern also matches, then keeping wins', async () => {
    const repository = await repositoryWith({ 'v1.0': 9, 'v1.1': 8, 'v2.0': 7, main: 6 });
    expect(await run(repository, { name_regex_delete: 'v.*', name_regex_keep: 'v1\\..*' })).toEqual([
      'main',
      'v1.0',
      'v1.1',
    ]);
  });

  it('when keep_n is given, then the most recently pushed matching tags stay', async () => {
    const repository = await repositoryWith({ old: 30, older: 40, newest: 1, newer: 2, other: 50 });
    // Re-pushing `old` makes it recent: ages follow the tag's last push, not its creation.
    await prisma.tag.updateMany({
      where: { repositoryId: repository.id, name: 'old' },
      data: { updatedAt: hoursAgo(0.5) },
    });
    expect(await run(repository, { name_regex_delete: '(old|older|newest|newer)', keep_n: 2 })).toEqual([
      'newest',
      'old',
      'other',
    ]);
  });

  it('when older_than is given, then only tags pushed before that go', async () => {
    const repository = await repositoryWith({ day1: 24 * 1 + 1, day3: 24 * 3 + 1, day8: 24 * 8 + 1 });
    expect(await run(repository, { older_than: '2d' })).toEqual(['day1']);
  });

  it('when keep_n and older_than are combined, then the newest are kept and the rest go only if old enough', async () => {
    const repository = await repositoryWith({ a: 1, b: 30, c: 50, d: 80, e: 100 });
    // Newest first: a, b, c, d, e; keep a and b; of c, d, e only those older than 3 days (d, e) go.
    expect(await run(repository, { keep_n: 2, older_than: '3d' })).toEqual(['a', 'b', 'c']);
  });

  it('when tags are pushed after the request, then the job leaves them alone', async () => {
    const repository = await repositoryWith({ v1: 10 });
    const request = job(repository, { requested_at: daysAgo(1).toISOString() });
    await pushImage(prisma, repository, 'v2');
    await prisma.tag.updateMany({
      where: { repositoryId: repository.id, name: 'v1' },
      data: { updatedAt: daysAgo(2) },
    });
    await world.deliver(BULK_TAG_DELETE_QUEUE, request);
    expect(await tagNames(prisma, repository.id)).toEqual(['v2']);
  });

  it('when the job is delivered twice, then the second delivery deletes nothing more', async () => {
    const repository = await repositoryWith({ a: 10, b: 20, c: 30, d: 40 });
    const request = job(repository, { keep_n: 2 });
    await world.deliver(BULK_TAG_DELETE_QUEUE, request);
    await world.deliver(BULK_TAG_DELETE_QUEUE, request);
    expect(await tagNames(prisma, repository.id)).toEqual(['a', 'b']);
    const events = (await outboxPayloads(prisma, 'container.tag.deleted')).filter(
      (e) => e.repository === repository.path,
    );
    expect(events.map((event) => event.tag).sort()).toEqual(['c', 'd']);
  });

  it('when the worker dies after two batches, then exactly their tags are gone, each with its event and review, and the redelivery deletes the rest once', async () => {
    const repository = await repositoryWith({ a: 1, b: 2, c: 3, d: 4, e: 5 });
    const before = await prisma.tag.findMany({
      where: { repositoryId: repository.id },
      include: { manifest: true },
    });
    const request = job(repository, {});
    const deletedSoFar = async () => {
      const left = new Set(await tagNames(prisma, repository.id));
      return before.filter((tag) => !left.has(tag.name));
    };
    const eventsSoFar = async () =>
      (await outboxPayloads(prisma, 'container.tag.deleted')).filter((e) => e.repository === repository.path);
    const reviewedSoFar = async () =>
      (await prisma.gcManifestReview.findMany({ where: { repositoryId: repository.id } }))
        .map((review) => review.manifestId)
        .sort();
    const eventOf = (tag: (typeof before)[number]) => ({
      repository: repository.path,
      project_id: 3,
      tag: tag.name,
      digest: tag.manifest.digest,
    });

    await expect(
      world.deliver(BULK_TAG_DELETE_QUEUE, request, { registry: dyingAfterTransactions(prisma, 2) }),
    ).rejects.toThrow('worker killed');
    // Two batches of TEST_BATCH_SIZE (2) committed whole, with their events and reviews; no more.
    const firstTwoBatches = await deletedSoFar();
    expect(firstTwoBatches).toHaveLength(4);
    expect(await eventsSoFar()).toEqual(expect.arrayContaining(firstTwoBatches.map(eventOf)));
    expect(await eventsSoFar()).toHaveLength(4);
    expect(await reviewedSoFar()).toEqual(firstTwoBatches.map((tag) => tag.manifestId).sort());

    await world.deliver(BULK_TAG_DELETE_QUEUE, request, { attempt: 2 });
    expect(await tagNames(prisma, repository.id)).toEqual([]);
    expect(await eventsSoFar()).toEqual(expect.arrayContaining(before.map(eventOf)));
    expect(await eventsSoFar()).toHaveLength(5);
    expect(await reviewedSoFar()).toEqual(before.map((tag) => tag.manifestId).sort());
  });

  it('when the repository is being deleted, then the job leaves it to that deletion', async () => {
    const repository = await repositoryWith({ a: 1 });
    await prisma.repository.update({ where: { id: repository.id }, data: { status: 'delete_scheduled' } });
    expect(await run(repository, {})).toEqual(['a']);
  });

  it('when the payload is malformed, then the job fails and deletes nothing', async () => {
    const repository = await repositoryWith({ a: 1 });
    await expect(
      world.deliver(BULK_TAG_DELETE_QUEUE, { ...job(repository, {}), keep_n: -2 }),
    ).rejects.toThrow('malformed registry.tags.bulk_delete job: keep_n');
    await expect(
      world.deliver(BULK_TAG_DELETE_QUEUE, job(repository, { name_regex_delete: '(?<=x)a' })),
    ).rejects.toThrow(/invalid perl operator/);
    expect(await tagNames(prisma, repository.id)).toEqual(['a']);
  });
});
