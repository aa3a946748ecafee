import { createPrismaClient, migrate } from '@stowage/db';
import {
  deleteManifest,
  scheduleRepositoryDeletion,
  unlinkBlob,
  PrismaClient,
  REGISTRY_MIGRATIONS_DIR,
  REGISTRY_SCHEMA,
  type Repository,
} from '@stowage/registry-data';
import { describeWithComponents, POSTGRES_URL, waitFor } from '@stowage/testing';
import { openRegistryDb, type RegistryDbFixture } from '../../../libs/registry-data/test/support/registry-db';
import { createRepository, pushImage } from '../../../libs/registry-data/test/support/registry-fixtures';
import { createTestDatabase, type TestDatabase } from '../../../test/e2e/support/postgres-database';
import { openReadCaches } from '../src/caches/open-read-caches';

const SETUP_TIMEOUT_MS = 120_000;
const PATH = 'cache-team/app/web';
const BLOB_PATH = 'cache-team/app/layers';
/** How the change feed names its connection in pg_stat_activity. */
const LISTENER_NAME = 'stowage notices: registry_changes';

describe('read caches on PGlite (standalone mode): changes are heard at commit', () => {
  let world: RegistryDbFixture;
  let cache: Awaited<ReturnType<typeof openReadCaches>>;

  beforeAll(async () => {
    world = await openRegistryDb();
    cache = await openReadCaches(world.db);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await cache?.close();
    await world?.close();
  });

  describe('the manifest cache', () => {
    let repository: Repository;
    beforeAll(async () => {
      repository = await createRepository(world.prisma, PATH, 1);
    });

    it('serves a pulled manifest from memory: a change made with triggers off is not seen', async () => {
      const first = await pushImage(world.prisma, repository, 'quiet');
      expect((await cache.manifests.get(PATH, { tag: 'quiet' }))?.digest).toBe(first.manifest.digest);
      // `replica` mode fires no triggers, so this change sends no notice.
      await world.db.exec(`SET session_replication_role = replica`);
      try {
        await pushImage(world.prisma, repository, 'quiet');
      } finally {
        await world.db.exec(`SET session_replication_role = origin`);
      }
      // Only the announcement keeps the cache current: without it the old answer stays.
      expect((await cache.manifests.get(PATH, { tag: 'quiet' }))?.digest).toBe(first.manifest.digest);
    });

    it('never serves a tag after it moved, whichever client moved it', async () => {
      await pushImage(world.prisma, repository, 'v1');
      await cache.manifests.get(PATH, { tag: 'v1' });
      const moved = await pushImage(world.prisma, repository, 'v1');
      expect((await cache.manifests.get(PATH, { tag: 'v1' }))?.digest).toBe(moved.manifest.digest);

      // A change in raw SQL, as the cleanup-worker's bulk deletions make them.
      await world.db.exec(`DELETE FROM registry.tags WHERE name = 'v1'`);
      expect(await cache.manifests.get(PATH, { tag: 'v1' })).toBeNull();
    });

    it('never serves a manifest after it was deleted, or its repository marked for deletion', async () => {
      const image = await pushImage(world.prisma, repository, 'gone');
      const byDigest = { digest: image.manifest.digest };
      expect((await cache.manifests.get(PATH, byDigest))?.digest).toBe(image.manifest.digest);
      expect(await deleteManifest(world.prisma, repository, image.manifest.digest)).toBe(true);
      expect(await cache.manifests.get(PATH, byDigest)).toBeNull();

      const kept = await pushImage(world.prisma, repository, 'kept');
      expect((await cache.manifests.get(PATH, { tag: 'kept' }))?.digest).toBe(kept.manifest.digest);
      expect(await scheduleRepositoryDeletion(world.prisma, repository)).toMatchObject({ scheduled: true });
      expect(await cache.manifests.get(PATH, { tag: 'kept' })).toBeNull();
    });
  });

  describe('the blob link cache', () => {
    let repository: Repository;
    beforeAll(async () => {
      repository = await createRepository(world.prisma, BLOB_PATH, 1);
    });

    const layerOf = async (tag: string) => {
      const image = await pushImage(world.prisma, repository, tag, { layerSizes: [1234] });
      return image.layers[0]!;
    };

    it('serves a link from memory: a deletion made with triggers off is not seen', async () => {
      const layer = await layerOf('quiet');
      expect(await cache.blobLinks.find(BLOB_PATH, layer.digest)).toEqual({
        digest: layer.digest,
        size: 1234,
      });
      await world.db.exec(`SET session_replication_role = replica`);
      try {
        await world.db.query(`DELETE FROM registry.repository_blobs WHERE digest = $1`, [layer.digest]);
      } finally {
        await world.db.exec(`SET session_replication_role = origin`);
      }
      expect(await cache.blobLinks.find(BLOB_PATH, layer.digest)).toEqual({
        digest: layer.digest,
        size: 1234,
      });
    });

    it('never serves a blob after its link, or the blob itself, was deleted', async () => {
      const unlinked = await layerOf('unlinked');
      expect(await cache.blobLinks.find(BLOB_PATH, unlinked.digest)).not.toBeNull();
      expect(await unlinkBlob(world.prisma, repository.id, unlinked.digest)).toBe(true);
      expect(await cache.blobLinks.find(BLOB_PATH, unlinked.digest)).toBeNull();

      // What GC does in raw SQL: the links, then the blob row.
      const collected = await layerOf('collected');
      expect(await cache.blobLinks.find(BLOB_PATH, collected.digest)).not.toBeNull();
      await world.db.transaction(async (tx) => {
        await tx.query(`DELETE FROM registry.repository_blobs WHERE digest = $1`, [collected.digest]);
        await tx.query(`DELETE FROM registry.blobs WHERE digest = $1`, [collected.digest]);
      });
      expect(await cache.blobLinks.find(BLOB_PATH, collected.digest)).toBeNull();
    });

    it('never serves a blob of a repository marked for deletion, nor of another repository', async () => {
      const layer = await layerOf('doomed');
      expect(await cache.blobLinks.find('cache-team/app/other', layer.digest)).toBeNull();
      expect(await cache.blobLinks.find(BLOB_PATH, layer.digest)).not.toBeNull();
      expect(await scheduleRepositoryDeletion(world.prisma, repository)).toMatchObject({ scheduled: true });
      expect(await cache.blobLinks.find(BLOB_PATH, layer.digest)).toBeNull();
    });
  });
});

describeWithComponents(
  ['postgres'],
  'read caches on PostgreSQL: two replicas, each listening for changes',
  () => {
    let database: TestDatabase;
    const replicas: { prisma: PrismaClient; cache: Awaited<ReturnType<typeof openReadCaches>> }[] = [];
    let repository: Repository;

    beforeAll(async () => {
      database = await createTestDatabase(POSTGRES_URL, 'mcache');
      await migrate(database.db, { schema: REGISTRY_SCHEMA, migrationsDir: REGISTRY_MIGRATIONS_DIR });
      for (let i = 0; i < 2; i++) {
        const prisma = createPrismaClient(PrismaClient, database.db);
        replicas.push({ prisma, cache: await openReadCaches(database.db) });
      }
      repository = await createRepository(replicas[0]!.prisma, PATH, 1);
    }, SETUP_TIMEOUT_MS);
    afterAll(async () => {
      for (const replica of replicas) {
        await replica.cache.close();
        await replica.prisma.$disconnect();
      }
      await database?.drop();
    });

    it("never serves one replica's cached manifest after another replica moved the tag or deleted it", async () => {
      const [writer, reader] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
      const first = await pushImage(writer.prisma, repository, 'v1');
      expect((await reader.cache.manifests.get(PATH, { tag: 'v1' }))?.digest).toBe(first.manifest.digest);

      const moved = await pushImage(writer.prisma, repository, 'v1');
      expect((await reader.cache.manifests.get(PATH, { tag: 'v1' }))?.digest).toBe(moved.manifest.digest);

      expect(await deleteManifest(writer.prisma, repository, moved.manifest.digest)).toBe(true);
      expect(await reader.cache.manifests.get(PATH, { digest: moved.manifest.digest })).toBeNull();
      expect(await reader.cache.manifests.get(PATH, { tag: 'v1' })).toBeNull();
    });

    it('stays right while its listening connection is cut, and trusts its cache again once back', async () => {
      const [writer, reader] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
      const first = await pushImage(writer.prisma, repository, 'v2');
      expect((await reader.cache.manifests.get(PATH, { tag: 'v2' }))?.digest).toBe(first.manifest.digest);
      const cut = await database.db.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = '${LISTENER_NAME}'`,
      );
      expect(cut.rowCount).toBe(2);

      // Moved while nobody listens: the notice is lost, yet the reader must not serve the old one.
      const moved = await pushImage(writer.prisma, repository, 'v2');
      expect((await reader.cache.manifests.get(PATH, { tag: 'v2' }))?.digest).toBe(moved.manifest.digest);

      await waitFor('both replicas listening again', async () => {
        const back = await database.db.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = '${LISTENER_NAME}'`,
        );
        return back.rowCount === 2;
      });
      const again = await pushImage(writer.prisma, repository, 'v2');
      expect((await reader.cache.manifests.get(PATH, { tag: 'v2' }))?.digest).toBe(again.manifest.digest);
      // Trusting again: a change that fires no trigger (so sends no notice) is not seen.
      await database.db.transaction(async (tx) => {
        await tx.exec('SET LOCAL session_replication_role = replica');
        await tx.query(`UPDATE registry.tags SET manifest_id = $1 WHERE name = 'v2'`, [first.manifest.id]);
      });
      expect((await reader.cache.manifests.get(PATH, { tag: 'v2' }))?.digest).toBe(again.manifest.digest);
    });

    it("never serves one replica's cached blob link after another replica deleted it", async () => {
      const [writer, reader] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
      const image = await pushImage(writer.prisma, repository, 'linked', { layerSizes: [2048] });
      const layer = image.layers[0]!;
      expect(await reader.cache.blobLinks.find(PATH, layer.digest)).toEqual({
        digest: layer.digest,
        size: 2048,
      });
      expect(await unlinkBlob(writer.prisma, repository.id, layer.digest)).toBe(true);
      expect(await reader.cache.blobLinks.find(PATH, layer.digest)).toBeNull();
    });
  },
);
