import { createPrismaClient, migrate, type Database } from '@stowage/db';
import { deferred, describeWithComponents, POSTGRES_URL, sleep } from '@stowage/testing';
import { createTestDatabase, type TestDatabase } from '../../../test/e2e/support/postgres-database';
import {
  deleteTagBatch,
  PrismaClient,
  REGISTRY_MIGRATIONS_DIR,
  REGISTRY_SCHEMA,
  type Repository,
} from '../src';
import { createRepository, hoursAgo, outboxPayloads, pushImage, tagNames } from './support/registry-fixtures';

const SETUP_TIMEOUT_MS = 120_000;

/**
 * A push moving a tag while a deletion batch deletes it: the two sessions need real PostgreSQL
 * (PGlite runs one transaction at a time, so they cannot interleave there).
 */
describeWithComponents(['postgres'], 'bulk tag deletion batch racing a push on PostgreSQL', () => {
  let database: TestDatabase;
  let db: Database;
  let prisma: PrismaClient;
  let counter = 0;

  beforeAll(async () => {
    database = await createTestDatabase(POSTGRES_URL, 'bulktags');
    await migrate(database.db, { schema: REGISTRY_SCHEMA, migrationsDir: REGISTRY_MIGRATIONS_DIR });
    db = database.db;
    prisma = createPrismaClient(PrismaClient, db);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.drop();
  }, SETUP_TIMEOUT_MS);

  /**
   * `v1` and `v2` on their own manifests, pushed a day before the request, and a third manifest
   * (tagged `staging`) a push will move `v1` to. No review is pending when it returns.
   */
  const setUp = async () => {
    const repository = await createRepository(prisma, `group/bulk/race${++counter}`, 3);
    const v1 = await pushImage(prisma, repository, 'v1', { createdAt: hoursAgo(24) });
    const v2 = await pushImage(prisma, repository, 'v2', { createdAt: hoursAgo(24) });
    const moveTarget = await pushImage(prisma, repository, 'staging', { createdAt: hoursAgo(24) });
    await prisma.gcManifestReview.deleteMany({ where: { repositoryId: repository.id } });
    return { repository, v1: v1.manifest, v2: v2.manifest, moveTarget: moveTarget.manifest };
  };

  /**
   * Runs the batch for `v1` and `v2` while another session moves `v1` to `target` (as the
   * registry's moveTag does: tag row locked, manifest and `updated_at` changed) and commits only
   * once the batch is waiting on that row.
   */
  const batchDuringMove = async (
    repository: Repository,
    target: { id: bigint },
    movedAt: Date,
    requestedAt: Date,
  ): Promise<number> => {
    const moved = deferred();
    const release = deferred();
    const push = db.transaction(async (tx) => {
      await tx.query('SELECT id FROM registry.tags WHERE repository_id = $1 AND name = $2 FOR UPDATE', [
        repository.id.toString(),
        'v1',
      ]);
      await tx.query(
        'UPDATE registry.tags SET manifest_id = $1, updated_at = $2 WHERE repository_id = $3 AND name = $4',
        [target.id.toString(), movedAt.toISOString(), repository.id.toString(), 'v1'],
      );
      moved.resolve();
      await release.promise;
    });
    await moved.promise;
    const batch = deleteTagBatch(prisma, repository, ['v1', 'v2'], requestedAt);
    await sleep(300); // the batch now waits on v1's row
    release.resolve();
    await push;
    return batch;
  };

  const eventsOf = async (repository: Repository) =>
    (await outboxPayloads(prisma, 'container.tag.deleted')).filter((e) => e.repository === repository.path);
  const reviewedManifests = async (repository: Repository) =>
    (await prisma.gcManifestReview.findMany({ where: { repositoryId: repository.id } }))
      .map((review) => review.manifestId)
      .sort();

  it('when a push moves a tag while the batch deletes it, then the moved tag is spared and only what went is reported and reviewed', async () => {
    const { repository, v2, moveTarget } = await setUp();
    const requestedAt = hoursAgo(1);

    const deleted = await batchDuringMove(repository, moveTarget, new Date(), requestedAt);

    expect(deleted).toBe(1);
    expect(await tagNames(prisma, repository.id)).toEqual(['staging', 'v1']);
    const v1 = await prisma.tag.findFirstOrThrow({ where: { repositoryId: repository.id, name: 'v1' } });
    expect(v1.manifestId).toBe(moveTarget.id);
    expect(await eventsOf(repository)).toEqual([
      { repository: repository.path, project_id: 3, tag: 'v2', digest: v2.digest },
    ]);
    expect(await reviewedManifests(repository)).toEqual([v2.id]);
  }, 30_000);

  it('when the move still looks older than the request (clocks apart), then the tag goes and the manifest it left then is the one reviewed and reported', async () => {
    const { repository, v1, v2, moveTarget } = await setUp();
    const requestedAt = hoursAgo(1);

    const deleted = await batchDuringMove(repository, moveTarget, hoursAgo(2), requestedAt);

    expect(deleted).toBe(2);
    expect(await tagNames(prisma, repository.id)).toEqual(['staging']);
    expect(await eventsOf(repository)).toEqual([
      { repository: repository.path, project_id: 3, tag: 'v1', digest: moveTarget.digest },
      { repository: repository.path, project_id: 3, tag: 'v2', digest: v2.digest },
    ]);
    // The manifest the push moved v1 away from is the push's to queue (moveTag does), not the batch's.
    expect(await reviewedManifests(repository)).toEqual([v2.id, moveTarget.id].sort());
    expect(await reviewedManifests(repository)).not.toContain(v1.id);
  }, 30_000);

  it('when a batch is delivered twice, then the second deletes nothing and records no event', async () => {
    const { repository } = await setUp();
    const requestedAt = new Date();
    expect(await deleteTagBatch(prisma, repository, ['v1', 'v2'], requestedAt)).toBe(2);
    expect(await deleteTagBatch(prisma, repository, ['v1', 'v2'], requestedAt)).toBe(0);
    expect((await eventsOf(repository)).map((event) => event.tag)).toEqual(['v1', 'v2']);
  }, 30_000);
});
