import type { ManagedBlobStore } from '@stowage/blob-store';
import type { Job, JobQueue } from '@stowage/bus';
import {
  fetchKey,
  PROXY_CACHE_PURGE_QUEUE,
  PROXY_TTL_RUN_QUEUE,
  proxyBlobKey,
  type PrismaClient as ProxyPrismaClient,
} from '@stowage/dependency-proxy-data';
import { createSilentLogger } from '@stowage/logging';
import { describeWithComponents, waitFor } from '@stowage/testing';
import {
  openPostgresProxyDb,
  type ProxyDbFixture,
} from '../../../libs/dependency-proxy-data/test/support/proxy-db';
import {
  blobDigestsOf,
  cacheBlob,
  cacheManifest,
  daysAgo,
  pendingStorageDeletions,
  randomDigest,
  referencesOf,
  setTtlPolicy,
} from '../../../libs/dependency-proxy-data/test/support/proxy-fixtures';
import { startProxyStorageSweeper } from '../src/gc/proxy-storage-sweeper';
import { createProxyJobHandlers } from '../src/jobs/proxy-job-handlers';
import { startProxyTtlScheduler } from '../src/scheduling/proxy-ttl-scheduler';
import { startSchemaWorker, type SchemaWorker } from './support/schema-worker';

const SETUP_TIMEOUT_MS = 120_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A job queue that records what it is given, as the broker would take it. */
function recordingQueue() {
  const queued: { queue: string; payload: { group_id: number } }[] = [];
  const jobs = {
    enqueue: async (queue: string, payload: { group_id: number }) => {
      queued.push({ queue, payload });
      return String(queued.length);
    },
  } as unknown as JobQueue;
  return { jobs, queued };
}

describeWithComponents(
  ['postgres'],
  "the dependency proxy's cache cleanup (PostgreSQL, blobs in a folder)",
  () => {
    const logger = createSilentLogger();
    let fixture: ProxyDbFixture;
    let proxy: ProxyPrismaClient;
    let world: SchemaWorker;
    let blobs: ManagedBlobStore;
    let nextGroup = 100;
    let deliveries = 0;

    beforeAll(async () => {
      fixture = await openPostgresProxyDb('proxyworker');
      proxy = fixture.prisma;
      world = await startSchemaWorker(fixture.db, logger, 'stowage-proxy-worker');
      blobs = world.blobs;
    }, SETUP_TIMEOUT_MS);
    afterAll(async () => {
      await world?.close();
      await fixture?.close();
    }, SETUP_TIMEOUT_MS);

    const group = () => ++nextGroup;
    /** A blob a group pulled: its row, and its object (stored once per digest, as the proxy does). */
    async function pulled(groupId: number, digest: string, readAt = new Date()): Promise<void> {
      await blobs.put(proxyBlobKey(digest), Buffer.from('layer'));
      await cacheBlob(proxy, groupId, digest, readAt);
    }
    const stored = async (digest: string) => (await blobs.stat(proxyBlobKey(digest))) !== null;
    /** Runs a job's handler by hand, as a (re)delivery from the bus would. */
    function deliver(queue: string, payload: unknown): Promise<void> {
      const handlers = createProxyJobHandlers({ proxy, blobs, logger, batchSize: world.batchSize });
      const job: Job = { id: `manual-${++deliveries}`, queue, payload, attempt: 1 };
      return handlers[queue]!(job);
    }

    it("when a group's cache is purged through the queue, then its rows and the objects only it cached go, and another group's rows and the object it still caches stay", async () => {
      const [purged, other] = [group(), group()];
      const [own, ownToo, shared, othersOwn] = [
        randomDigest(),
        randomDigest(),
        randomDigest(),
        randomDigest(),
      ];
      for (const digest of [own, ownToo, shared]) await pulled(purged, digest);
      await pulled(other, shared);
      await pulled(other, othersOwn);
      for (const tag of ['1', '2', '3']) await cacheManifest(proxy, purged, 'library/debian', tag);
      await cacheManifest(proxy, other, 'library/debian', '1');
      const blobsBefore = await world.metric('stowage_cleanup_proxy_entries_removed_total', {
        cause: 'purge',
        kind: 'blob',
      });

      await world.bus.jobs.enqueue(PROXY_CACHE_PURGE_QUEUE, { group_id: purged });

      await waitFor(
        'the purge to delete the objects',
        async () => !(await stored(own)) && !(await stored(ownToo)),
      );
      expect(await blobDigestsOf(proxy, purged)).toEqual([]);
      expect(await referencesOf(proxy, purged)).toEqual([]);
      expect(await pendingStorageDeletions(proxy)).toEqual([]);
      expect(await stored(shared)).toBe(true);
      expect(await stored(othersOwn)).toBe(true);
      expect(await blobDigestsOf(proxy, other)).toEqual([shared, othersOwn].sort());
      expect(await referencesOf(proxy, other)).toEqual(['1']);
      await waitFor(
        'the purge to be counted',
        async () =>
          (await world.metric('stowage_cleanup_proxy_entries_removed_total', {
            cause: 'purge',
            kind: 'blob',
          })) ===
          blobsBefore + 3,
      );
      expect(
        await world.metric('stowage_cleanup_proxy_objects_deleted_total', { kind: 'blob' }),
      ).toBeGreaterThanOrEqual(2);
    });

    it('when a TTL run is delivered, then only entries unread for longer than ttl_days go, with the objects no group caches', async () => {
      const id = group();
      await setTtlPolicy(proxy, id, { enabled: true, days: 7 });
      const [stale, fresh] = [randomDigest(), randomDigest()];
      await pulled(id, stale, daysAgo(8));
      await pulled(id, fresh, daysAgo(6));
      await cacheManifest(proxy, id, 'app', 'old', daysAgo(30));
      await cacheManifest(proxy, id, 'app', 'recent', daysAgo(1));

      await deliver(PROXY_TTL_RUN_QUEUE, { group_id: id });

      expect(await blobDigestsOf(proxy, id)).toEqual([fresh]);
      expect(await referencesOf(proxy, id)).toEqual(['recent']);
      expect(await stored(stale)).toBe(false);
      expect(await stored(fresh)).toBe(true);
    });

    it("when the group's TTL policy was turned off before its run, then the run removes nothing", async () => {
      const id = group();
      await setTtlPolicy(proxy, id, { enabled: false, days: 7 });
      const stale = randomDigest();
      await pulled(id, stale, daysAgo(100));

      await deliver(PROXY_TTL_RUN_QUEUE, { group_id: id });

      expect(await blobDigestsOf(proxy, id)).toEqual([stale]);
      expect(await stored(stale)).toBe(true);
    });

    it('when a purge and a TTL run are each delivered twice, at once and again after, then the effect is that of one', async () => {
      const [purged, expiring] = [group(), group()];
      await setTtlPolicy(proxy, expiring, { enabled: true, days: 1 });
      const digests = [randomDigest(), randomDigest(), randomDigest()];
      for (const digest of digests) await pulled(purged, digest);
      const [stale, fresh] = [randomDigest(), randomDigest()];
      await pulled(expiring, stale, daysAgo(2));
      await pulled(expiring, fresh);

      const twice = (queue: string, groupId: number) =>
        Promise.all([deliver(queue, { group_id: groupId }), deliver(queue, { group_id: groupId })]);
      await Promise.all([twice(PROXY_CACHE_PURGE_QUEUE, purged), twice(PROXY_TTL_RUN_QUEUE, expiring)]);
      await deliver(PROXY_CACHE_PURGE_QUEUE, { group_id: purged });
      await deliver(PROXY_TTL_RUN_QUEUE, { group_id: expiring });

      expect(await blobDigestsOf(proxy, purged)).toEqual([]);
      for (const digest of [...digests, stale]) expect(await stored(digest)).toBe(false);
      expect(await blobDigestsOf(proxy, expiring)).toEqual([fresh]);
      expect(await stored(fresh)).toBe(true);
      expect(await pendingStorageDeletions(proxy)).toEqual([]);
    });

    it('when a payload is malformed, then the job is dropped without touching anything', async () => {
      const id = group();
      const digest = randomDigest();
      await pulled(id, digest);
      for (const payload of [{ group_id: String(id) }, { group_id: -1 }, null, [id]]) {
        await expect(deliver(PROXY_CACHE_PURGE_QUEUE, payload)).resolves.toBeUndefined();
        await expect(deliver(PROXY_TTL_RUN_QUEUE, payload)).resolves.toBeUndefined();
      }
      expect(await blobDigestsOf(proxy, id)).toEqual([digest]);
    });

    it("when storage deletions are left over (a job whose deletes failed), then a sweep deletes their objects and a crashed fetch's object", async () => {
      const digest = randomDigest();
      await blobs.put(proxyBlobKey(digest), Buffer.from('layer'));
      await proxy.storageDeletion.create({ data: { digest } });
      const crashed = fetchKey('00000000-0000-4000-8000-0000000000aa');
      await blobs.put(crashed, Buffer.from('half a layer'));
      const twoDaysAgo = new Date(Date.now() - 2 * DAY_MS);
      world.backdate(crashed, twoDaysAgo);
      const sweeper = startProxyStorageSweeper({ proxy, blobs, logger, intervalMs: 0 });

      await sweeper.sweep();
      await sweeper.stop();

      expect(await stored(digest)).toBe(false);
      expect(await blobs.stat(crashed)).toBeNull();
      expect(await pendingStorageDeletions(proxy)).toEqual([]);
    });

    describe('the TTL scheduler', () => {
      beforeEach(() => proxy.groupSettings.deleteMany());

      it('when two replicas tick at once, then each due group gets one TTL run, and the next ticks queue nothing', async () => {
        const due: number[] = [];
        for (let i = 0; i < 10; i++) {
          const id = group();
          await setTtlPolicy(proxy, id, { enabled: true, nextRunAt: i % 2 === 0 ? null : daysAgo(1) });
          due.push(id);
        }
        await setTtlPolicy(proxy, group(), { enabled: true, nextRunAt: new Date(Date.now() + DAY_MS) });
        await setTtlPolicy(proxy, group(), { enabled: false });
        const second = await fixture.openClient();
        const replicas = [proxy, second.prisma].map((client) => {
          const queue = recordingQueue();
          const scheduler = startProxyTtlScheduler({
            proxy: client,
            jobs: queue.jobs,
            logger,
            intervalMs: 0,
            runIntervalMs: DAY_MS,
          });
          return { ...queue, scheduler };
        });
        try {
          await Promise.all(replicas.map((replica) => replica.scheduler.tick()));
          const queued = replicas.flatMap((replica) => replica.queued);
          expect(queued.every((job) => job.queue === PROXY_TTL_RUN_QUEUE)).toBe(true);
          expect(queued.map((job) => job.payload.group_id).sort((a, b) => a - b)).toEqual(due);
          expect(await Promise.all(replicas.map((replica) => replica.scheduler.tick()))).toEqual([0, 0]);
        } finally {
          await Promise.all(replicas.map((replica) => replica.scheduler.stop()));
          await second.close();
        }
      });

      it("when the scheduler queues a due group's run on the bus, then the worker removes the group's stale entries", async () => {
        const id = group();
        await setTtlPolicy(proxy, id, { enabled: true, days: 3, nextRunAt: null });
        await cacheManifest(proxy, id, 'app', 'stale', daysAgo(4));
        await cacheManifest(proxy, id, 'app', 'fresh', daysAgo(2));
        const scheduler = startProxyTtlScheduler({
          proxy,
          jobs: world.bus.jobs,
          logger,
          intervalMs: 0,
          runIntervalMs: DAY_MS,
        });
        try {
          expect(await scheduler.tick()).toBe(1);
        } finally {
          await scheduler.stop();
        }
        await waitFor('the TTL run', async () => (await referencesOf(proxy, id)).length === 1);
        expect(await referencesOf(proxy, id)).toEqual(['fresh']);
      });
    });
  },
);
