import { createPrismaClient, migrate, type Database } from '@stowage/db';
import { deferred, describeWithComponents, POSTGRES_URL, sleep } from '@stowage/testing';
import { createTestDatabase, type TestDatabase } from '../../../test/e2e/support/postgres-database';
import {
  deleteTag,
  gcBacklog,
  linkBlob,
  PrismaClient,
  REGISTRY_MIGRATIONS_DIR,
  REGISTRY_SCHEMA,
  reviewDueBlobs,
  saveManifest,
  type ManifestToSave,
  type Repository,
} from '../src';
import {
  afterTheDelay,
  blobRowExists,
  collectAfterTwoDelays,
  reviewEverythingDue,
  storageDeletionQueued,
  useTestReviewDelay,
} from './support/gc-helpers';
import { openRegistryDb } from './support/registry-db';
import { createRepository, pushImage, pushIndex, type PushedImage } from './support/registry-fixtures';

/** The same manifest as the client would push it again. */
function pushedAgain(image: PushedImage): ManifestToSave {
  return {
    digest: image.manifest.digest,
    mediaType: image.manifest.mediaType,
    payload: Buffer.from(image.manifest.payload),
    artifactType: image.manifest.artifactType,
    subjectDigest: null,
    configDigest: image.configDigest,
    annotations: null,
    blobs: [
      { digest: image.configDigest, size: 100, mediaType: 'application/vnd.oci.image.config.v1+json' },
      ...image.layers.map((layer) => ({
        ...layer,
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      })),
    ],
    childDigests: [],
  };
}

interface GcDb {
  prisma: PrismaClient;
  /** The database underneath, for a second session that holds locks as a request would. */
  db: Database;
  close(): Promise<void>;
}

const SETUP_TIMEOUT_MS = 120_000;

/** The same behaviour on PGlite (standalone) and PostgreSQL (distributed). */
function gcReviewSuite(open: () => Promise<GcDb>): void {
  let gc: GcDb;
  let prisma: PrismaClient;
  let counter = 0;
  const repository = () => createRepository(prisma, `group/gc/image${++counter}`, 3);
  const manifestExists = async (id: bigint) => (await prisma.manifest.count({ where: { id } })) === 1;
  const linked = async (repo: Repository, digest: string) =>
    (await prisma.repositoryBlob.count({ where: { repositoryId: repo.id, digest } })) === 1;

  beforeAll(async () => {
    gc = await open();
    prisma = gc.prisma;
    await useTestReviewDelay(prisma);
  }, SETUP_TIMEOUT_MS);
  afterAll(() => gc?.close(), SETUP_TIMEOUT_MS);

  it('when a tag is deleted and the delay passes, then its manifest and blobs go, and a layer a tagged image shares stays', async () => {
    const repo = await repository();
    const deleted = await pushImage(prisma, repo, 'old');
    const kept = await pushImage(prisma, repo, 'new', { sharedLayers: deleted.layers });
    await deleteTag(prisma, repo, 'old');

    // Nothing is due before the delay.
    await reviewEverythingDue(prisma);
    expect(await manifestExists(deleted.manifest.id)).toBe(true);

    await collectAfterTwoDelays(prisma);

    expect(await manifestExists(deleted.manifest.id)).toBe(false);
    expect(await blobRowExists(prisma, deleted.configDigest)).toBe(false);
    expect(await linked(repo, deleted.configDigest)).toBe(false);
    expect(await storageDeletionQueued(prisma, deleted.configDigest)).toBe(true);
    const shared = deleted.layers[0]!.digest;
    expect(await blobRowExists(prisma, shared)).toBe(true);
    expect(await linked(repo, shared)).toBe(true);
    expect(await storageDeletionQueued(prisma, shared)).toBe(false);
    expect(await manifestExists(kept.manifest.id)).toBe(true);
    expect(await gcBacklog(prisma)).toMatchObject({ dueManifestReviews: 0, dueBlobReviews: 0 });
  }, 30_000);

  it('when another repository still references a blob, then only this repository loses its link', async () => {
    const [first, second] = [await repository(), await repository()];
    const image = await pushImage(prisma, first, 'v1');
    await pushImage(prisma, second, 'v1', { sharedLayers: image.layers });
    await deleteTag(prisma, first, 'v1');
    await collectAfterTwoDelays(prisma);

    const layer = image.layers[0]!.digest;
    expect(await linked(first, layer)).toBe(false);
    expect(await linked(second, layer)).toBe(true);
    expect(await blobRowExists(prisma, layer)).toBe(true);
  }, 30_000);

  it('when a push references the blob again during the delay, then the blob survives and its review is done', async () => {
    const repo = await repository();
    const image = await pushImage(prisma, repo, 'v1');
    await deleteTag(prisma, repo, 'v1');
    await afterTheDelay();
    await reviewEverythingDue(prisma); // the manifest goes; its blobs are queued
    expect(await manifestExists(image.manifest.id)).toBe(false);

    // A new image on the same layer, pushed while the blob review waits.
    const again = await pushImage(prisma, repo, 'v2', { sharedLayers: image.layers });
    await afterTheDelay();
    await reviewEverythingDue(prisma);

    const layer = image.layers[0]!.digest;
    expect(await blobRowExists(prisma, layer)).toBe(true);
    expect(await linked(repo, layer)).toBe(true);
    expect(await manifestExists(again.manifest.id)).toBe(true);
    expect(
      await prisma.gcBlobReview.count({ where: { digest: layer, reviewAfter: { lte: new Date() } } }),
    ).toBe(0);
    // The old config had no second push: it is gone.
    expect(await blobRowExists(prisma, image.configDigest)).toBe(false);
  }, 30_000);

  it('when a blob is pushed again (linked, no manifest yet) just before its review, then it survives until the link comes of age', async () => {
    const repo = await repository();
    const image = await pushImage(prisma, repo, 'v1');
    await deleteTag(prisma, repo, 'v1');
    await afterTheDelay();
    await reviewEverythingDue(prisma);
    await afterTheDelay();
    // The blob review is due now; a client uploads the layer again before its manifest.
    const layer = image.layers[0]!;
    await linkBlob(prisma, repo.id, layer.digest, layer.size);
    await prisma.gcBlobReview.update({ where: { digest: layer.digest }, data: { reviewAfter: new Date(0) } });
    await reviewEverythingDue(prisma);
    expect(await blobRowExists(prisma, layer.digest)).toBe(true);
    expect(await linked(repo, layer.digest)).toBe(true);
    const review = await prisma.gcBlobReview.findUniqueOrThrow({ where: { digest: layer.digest } });
    expect(review.reviewAfter.getTime()).toBeGreaterThan(Date.now());

    // No manifest ever came: after the delay the upload is garbage too.
    await afterTheDelay();
    await reviewEverythingDue(prisma);
    expect(await blobRowExists(prisma, layer.digest)).toBe(false);
  }, 30_000);

  it('when an untagged manifest is tagged again during the delay, then it survives', async () => {
    const repo = await repository();
    const image = await pushImage(prisma, repo, 'v1');
    await deleteTag(prisma, repo, 'v1');
    await saveManifest(
      prisma,
      repo,
      {
        digest: image.manifest.digest,
        mediaType: image.manifest.mediaType,
        payload: Buffer.from(image.manifest.payload),
        artifactType: null,
        subjectDigest: null,
        configDigest: image.configDigest,
        annotations: null,
        blobs: [],
        childDigests: [],
      },
      'back',
    );
    await collectAfterTwoDelays(prisma);
    expect(await manifestExists(image.manifest.id)).toBe(true);
    expect(await blobRowExists(prisma, image.configDigest)).toBe(true);
  }, 30_000);

  it('when an index loses its tag, then the index goes, then its children, then their blobs', async () => {
    const repo = await repository();
    const arm = await pushImage(prisma, repo, 'arm');
    const amd = await pushImage(prisma, repo, 'amd');
    await deleteTag(prisma, repo, 'arm');
    await deleteTag(prisma, repo, 'amd');
    const index = await pushIndex(prisma, repo, 'multi', [{ image: arm }, { image: amd }]);
    // The children lost their tags, but the index keeps them.
    await collectAfterTwoDelays(prisma);
    expect(await manifestExists(arm.manifest.id)).toBe(true);

    await deleteTag(prisma, repo, 'multi');
    await afterTheDelay();
    await reviewEverythingDue(prisma);
    expect(await manifestExists(index.id)).toBe(false);
    expect(await manifestExists(arm.manifest.id)).toBe(true);
    await collectAfterTwoDelays(prisma);
    expect(await manifestExists(arm.manifest.id)).toBe(false);
    expect(await manifestExists(amd.manifest.id)).toBe(false);
    expect(await blobRowExists(prisma, arm.layers[0]!.digest)).toBe(false);
  }, 30_000);
}

describe('GC reviews on PGlite', () => {
  gcReviewSuite(async () => openRegistryDb());
});

describeWithComponents(['postgres'], 'GC reviews on PostgreSQL', () => {
  gcReviewSuite(async () => {
    const database = await createTestDatabase(POSTGRES_URL, 'gc');
    await migrate(database.db, { schema: REGISTRY_SCHEMA, migrationsDir: REGISTRY_MIGRATIONS_DIR });
    const prisma = createPrismaClient(PrismaClient, database.db);
    return {
      prisma,
      db: database.db,
      async close() {
        await prisma.$disconnect();
        await database.drop();
      },
    };
  });

  describe('with a push holding locks in another session', () => {
    let database: TestDatabase;
    let prisma: PrismaClient;
    let db: Database;
    beforeAll(async () => {
      database = await createTestDatabase(POSTGRES_URL, 'gclock');
      await migrate(database.db, { schema: REGISTRY_SCHEMA, migrationsDir: REGISTRY_MIGRATIONS_DIR });
      db = database.db;
      prisma = createPrismaClient(PrismaClient, db);
      await useTestReviewDelay(prisma);
    }, SETUP_TIMEOUT_MS);
    afterAll(async () => {
      await prisma?.$disconnect();
      await database?.drop();
    }, SETUP_TIMEOUT_MS);

    it('when GC deletes an untagged manifest while a push tags it again, then the push stores it anew', async () => {
      const repo = await createRepository(prisma, 'group/gc/retagged', 3);
      const image = await pushImage(prisma, repo, 'v1');
      await deleteTag(prisma, repo, 'v1');
      const deleting = deferred();
      const release = deferred();
      // GC's batch, half-way: the manifest row is deleted (and locked) but not committed.
      const gcBatch = db.transaction(async (tx) => {
        await tx.query('DELETE FROM registry.manifests WHERE id = $1', [image.manifest.id.toString()]);
        deleting.resolve();
        await release.promise;
      });
      await deleting.promise;
      const push = saveManifest(prisma, repo, pushedAgain(image), 'v2');
      await sleep(300); // the push now waits on the manifest row
      release.resolve();
      await gcBatch;

      const stored = await push;
      expect(stored.digest).toBe(image.manifest.digest);
      expect(stored.id).not.toBe(image.manifest.id);
      expect(
        (await prisma.tag.findFirstOrThrow({ where: { repositoryId: repo.id, name: 'v2' } })).manifestId,
      ).toBe(stored.id);
    }, 30_000);

    it('when a push holds the blob link FOR SHARE, then the review skips it without waiting and postpones it', async () => {
      const repo = await createRepository(prisma, 'group/gc/locked', 3);
      const image = await pushImage(prisma, repo, 'v1');
      await deleteTag(prisma, repo, 'v1');
      await afterTheDelay();
      await reviewEverythingDue(prisma);
      await afterTheDelay();
      const layer = image.layers[0]!.digest;

      const outcome = await db.transaction(async (push) => {
        await push.query(
          'SELECT digest FROM registry.repository_blobs WHERE repository_id = $1 AND digest = $2 FOR SHARE',
          [repo.id.toString(), layer],
        );
        return reviewDueBlobs(prisma, { batchSize: 50 });
      });

      expect(outcome.postponed).toBe(1);
      expect(await blobRowExists(prisma, layer)).toBe(true);
      const review = await prisma.gcBlobReview.findUniqueOrThrow({ where: { digest: layer } });
      expect(review.reviewCount).toBe(1);
      expect(review.reviewAfter.getTime()).toBeGreaterThan(Date.now());
    }, 30_000);
  });
});
