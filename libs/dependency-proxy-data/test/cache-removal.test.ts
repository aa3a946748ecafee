import { describeWithComponents } from '@stowage/testing';
import { purgeGroupCache, removeEntriesUnreadSince, runTtlPolicy, type PrismaClient } from '../src';
import { openPgliteProxyDb, openPostgresProxyDb, type ProxyDbFixture } from './support/proxy-db';
import {
  blobDigestsOf,
  cacheBlob,
  cacheManifest,
  daysAgo,
  pendingStorageDeletions,
  randomDigest,
  referencesOf,
  setTtlPolicy,
} from './support/proxy-fixtures';

const SETUP_TIMEOUT_MS = 120_000;
/** Small, so every removal below takes several transactions. */
const BATCH = { batchSize: 2 };

/** The same behaviour on PGlite (standalone) and PostgreSQL (distributed). */
function cacheRemovalSuite(open: () => Promise<ProxyDbFixture>): void {
  let fixture: ProxyDbFixture;
  let prisma: PrismaClient;
  let nextGroup = 0;
  const group = () => ++nextGroup;

  beforeAll(async () => {
    fixture = await open();
    prisma = fixture.prisma;
  }, SETUP_TIMEOUT_MS);
  afterAll(() => fixture?.close(), SETUP_TIMEOUT_MS);
  beforeEach(() => prisma.storageDeletion.deleteMany());

  it("when a group's cache is purged, then all its entries go, another group's stay, and only digests nobody caches are queued", async () => {
    const [purged, other] = [group(), group()];
    const own = [randomDigest(), randomDigest(), randomDigest()];
    const shared = randomDigest();
    for (const digest of [...own, shared]) await cacheBlob(prisma, purged, digest);
    await cacheBlob(prisma, other, shared);
    for (const tag of ['a', 'b', 'c', 'd', 'e']) await cacheManifest(prisma, purged, 'library/alpine', tag);
    await cacheManifest(prisma, other, 'library/alpine', 'a');

    const outcome = await purgeGroupCache(prisma, purged, BATCH);

    expect(outcome).toEqual({ manifests: 5, blobs: 4, storageDeletionsQueued: 3 });
    expect(await blobDigestsOf(prisma, purged)).toEqual([]);
    expect(await referencesOf(prisma, purged)).toEqual([]);
    expect(await blobDigestsOf(prisma, other)).toEqual([shared]);
    expect(await referencesOf(prisma, other)).toEqual(['a']);
    expect(await pendingStorageDeletions(prisma)).toEqual([...own].sort());
  });

  it('when a purge is run twice, then the second removes and queues nothing', async () => {
    const purged = group();
    await cacheBlob(prisma, purged, randomDigest());
    await cacheManifest(prisma, purged, 'img', 'latest');
    await purgeGroupCache(prisma, purged, BATCH);

    expect(await purgeGroupCache(prisma, purged, BATCH)).toEqual({
      manifests: 0,
      blobs: 0,
      storageDeletionsQueued: 0,
    });
    expect(await pendingStorageDeletions(prisma)).toHaveLength(1);
  });

  it('when a digest is already queued for deletion, then queueing it again keeps one row', async () => {
    const [first, second] = [group(), group()];
    const digest = randomDigest();
    await prisma.storageDeletion.create({ data: { digest } });
    await cacheBlob(prisma, first, digest);
    await cacheBlob(prisma, second, digest);
    await purgeGroupCache(prisma, first, BATCH);
    await purgeGroupCache(prisma, second, BATCH);
    expect(await pendingStorageDeletions(prisma)).toEqual([digest]);
  });

  it('when entries are removed by read time, then only those read before the cutoff go', async () => {
    const id = group();
    const [stale, staleToo, fresh] = [randomDigest(), randomDigest(), randomDigest()];
    await cacheBlob(prisma, id, stale, daysAgo(10));
    await cacheBlob(prisma, id, staleToo, daysAgo(8));
    await cacheBlob(prisma, id, fresh, daysAgo(1));
    await cacheManifest(prisma, id, 'img', 'old', daysAgo(30));
    await cacheManifest(prisma, id, 'img', 'new', daysAgo(2));

    const outcome = await removeEntriesUnreadSince(prisma, id, daysAgo(7), BATCH);

    expect(outcome).toEqual({ manifests: 1, blobs: 2, storageDeletionsQueued: 2 });
    expect(await blobDigestsOf(prisma, id)).toEqual([fresh]);
    expect(await referencesOf(prisma, id)).toEqual(['new']);
    expect(await pendingStorageDeletions(prisma)).toEqual([stale, staleToo].sort());
  });

  it("when a group's TTL policy runs, then entries unread for longer than ttl_days go, and a disabled policy removes nothing", async () => {
    const [enabled, disabled] = [group(), group()];
    await setTtlPolicy(prisma, enabled, { enabled: true, days: 7 });
    await setTtlPolicy(prisma, disabled, { enabled: false, days: 7 });
    for (const id of [enabled, disabled]) {
      await cacheManifest(prisma, id, 'img', 'old', daysAgo(8));
      await cacheManifest(prisma, id, 'img', 'new', daysAgo(6));
    }

    const outcome = await runTtlPolicy(prisma, enabled, new Date(), BATCH);
    expect(outcome).toMatchObject({ manifests: 1, blobs: 0 });
    expect(await referencesOf(prisma, enabled)).toEqual(['new']);

    expect(await runTtlPolicy(prisma, disabled, new Date(), BATCH)).toBeNull();
    expect(await runTtlPolicy(prisma, group(), new Date(), BATCH)).toBeNull();
    expect(await referencesOf(prisma, disabled)).toEqual(['new', 'old']);
  });
}

describe('cache removal on PGlite', () => {
  cacheRemovalSuite(openPgliteProxyDb);
});

describeWithComponents(['postgres'], 'cache removal on PostgreSQL', () => {
  cacheRemovalSuite(() => openPostgresProxyDb('proxycache'));

  describe('with a proxy request holding a row', () => {
    let fixture: ProxyDbFixture;
    beforeAll(async () => {
      fixture = await openPostgresProxyDb('proxylock');
    }, SETUP_TIMEOUT_MS);
    afterAll(() => fixture?.close(), SETUP_TIMEOUT_MS);

    it('when a request is reading a stale entry, then the TTL skips it without waiting', async () => {
      const { prisma, db } = fixture;
      await cacheManifest(prisma, 1, 'img', 'held', daysAgo(30));
      await cacheManifest(prisma, 1, 'img', 'free', daysAgo(30));

      const outcome = await db.transaction(async (request) => {
        await request.query(
          `SELECT id FROM dependency_proxy.cached_manifests WHERE group_id = 1 AND reference = 'held' FOR UPDATE`,
        );
        return removeEntriesUnreadSince(prisma, 1, daysAgo(7), BATCH);
      });

      expect(outcome.manifests).toBe(1);
      expect(await referencesOf(prisma, 1)).toEqual(['held']);
    });
  });
});
