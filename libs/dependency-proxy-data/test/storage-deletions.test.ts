import type { ManagedBlobStore } from '@stowage/blob-store';
import { describeWithComponents } from '@stowage/testing';
import { openBlobFolder, type BlobFolder } from '../../blob-store/test/support/blob-folder';
import { failingDeletesOf } from '../../blob-store/test/support/failing-deletes';
import { deleteProxyStorage, deleteStaleFetches, fetchKey, proxyBlobKey, type PrismaClient } from '../src';
import { openPgliteProxyDb, openPostgresProxyDb, type ProxyDbFixture } from './support/proxy-db';
import { cacheBlob, pendingStorageDeletions, randomDigest } from './support/proxy-fixtures';

const SETUP_TIMEOUT_MS = 120_000;
const DAY_MS = 24 * 60 * 60 * 1000;

function storageDeletionSuite(open: () => Promise<ProxyDbFixture>): void {
  let fixture: ProxyDbFixture;
  let prisma: PrismaClient;
  let folder: BlobFolder;
  let blobs: ManagedBlobStore;

  beforeAll(async () => {
    fixture = await open();
    prisma = fixture.prisma;
    folder = await openBlobFolder('stowage-proxy-blobs');
    blobs = folder.blobs;
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await folder?.close();
    await fixture?.close();
  }, SETUP_TIMEOUT_MS);
  beforeEach(() => prisma.storageDeletion.deleteMany());

  async function storedAndQueued(): Promise<string> {
    const digest = randomDigest();
    await blobs.put(proxyBlobKey(digest), Buffer.from('abc'));
    await prisma.storageDeletion.create({ data: { digest } });
    return digest;
  }
  const stored = async (digest: string) => (await blobs.stat(proxyBlobKey(digest))) !== null;

  it('when queued digests are no longer cached, then their objects and rows are deleted, over several batches', async () => {
    const digests = [await storedAndQueued(), await storedAndQueued(), await storedAndQueued()];

    const outcome = await deleteProxyStorage(prisma, blobs, { batchSize: 2 });

    expect(outcome).toEqual({ deleted: 3, cancelled: 0, failed: 0 });
    for (const digest of digests) expect(await stored(digest)).toBe(false);
    expect(await pendingStorageDeletions(prisma)).toEqual([]);
  });

  it('when a group caches the digest again, then the object stays and only the deletion row goes', async () => {
    const digest = await storedAndQueued();
    await cacheBlob(prisma, 7, digest);

    expect(await deleteProxyStorage(prisma, blobs)).toEqual({ deleted: 0, cancelled: 1, failed: 0 });
    expect(await stored(digest)).toBe(true);
    expect(await pendingStorageDeletions(prisma)).toEqual([]);
  });

  it('when the object is already gone, then the row is deleted all the same', async () => {
    const digest = randomDigest();
    await prisma.storageDeletion.create({ data: { digest } });
    expect(await deleteProxyStorage(prisma, blobs)).toEqual({ deleted: 1, cancelled: 0, failed: 0 });
    expect(await pendingStorageDeletions(prisma)).toEqual([]);
  });

  it('when storage refuses a delete, then its row stays for a later pass and the others are done', async () => {
    const [refused, fine] = [await storedAndQueued(), await storedAndQueued()];
    const failing = failingDeletesOf(blobs, new Set([proxyBlobKey(refused)]));

    expect(await deleteProxyStorage(prisma, failing)).toEqual({ deleted: 1, cancelled: 0, failed: 1 });
    expect(await stored(fine)).toBe(false);
    expect(await stored(refused)).toBe(true);
    expect(await pendingStorageDeletions(prisma)).toEqual([refused]);

    expect(await deleteProxyStorage(prisma, blobs)).toEqual({ deleted: 1, cancelled: 0, failed: 0 });
    expect(await stored(refused)).toBe(false);
  });

  it('when several passes run at once, then every object is deleted once and every row goes', async () => {
    const digests: string[] = [];
    for (let i = 0; i < 12; i++) digests.push(await storedAndQueued());
    const others = await Promise.all([fixture.openClient(), fixture.openClient()]);
    try {
      const outcomes = await Promise.all(
        [prisma, ...others.map((other) => other.prisma)].map((client) =>
          deleteProxyStorage(client, blobs, { batchSize: 2 }),
        ),
      );
      expect(outcomes.reduce((sum, outcome) => sum + outcome.deleted, 0)).toBe(12);
    } finally {
      await Promise.all(others.map((other) => other.close()));
    }
    for (const digest of digests) expect(await stored(digest)).toBe(false);
    expect(await pendingStorageDeletions(prisma)).toEqual([]);
  });

  it('when a fetch object is older than a day, then it is deleted, and a younger one (a fetch in progress) stays', async () => {
    const crashed = fetchKey('00000000-0000-4000-8000-000000000001');
    const running = fetchKey('00000000-0000-4000-8000-000000000002');
    await blobs.put(crashed, Buffer.from('partial'));
    await blobs.put(running, Buffer.from('partial'));
    const twoDaysAgo = new Date(Date.now() - 2 * DAY_MS);
    folder.backdate(crashed, twoDaysAgo);

    expect(await deleteStaleFetches(blobs)).toEqual({ deleted: 1, failed: 0 });
    expect(await blobs.stat(crashed)).toBeNull();
    expect(await blobs.stat(running)).not.toBeNull();
    await blobs.delete(running);
  });
}

describe('proxy storage deletions on PGlite and the filesystem', () => {
  storageDeletionSuite(openPgliteProxyDb);
});

describeWithComponents(['postgres'], 'proxy storage deletions on PostgreSQL and the filesystem', () => {
  storageDeletionSuite(() => openPostgresProxyDb('proxystore'));
});
