import type { ManagedBlobStore } from '@stowage/blob-store';
import { describeWithComponents } from '@stowage/testing';
import { openBlobFolder, type BlobFolder } from '../../blob-store/test/support/blob-folder';
import { failingDeletesOf } from '../../blob-store/test/support/failing-deletes';
import {
  deletePackageStorage,
  deleteStaleUploads,
  destroyPendingPackages,
  packageUploadKey,
  retryDelayMs,
  scheduleStorageDeletions,
  type PrismaClient,
} from '../src';
import { openPglitePackageDb, openPostgresPackageDb, type PackageDbFixture } from './support/package-db';
import {
  addFile,
  afterDelay,
  createPackage,
  queuedDeletions,
  randomContent,
  stored,
} from './support/package-fixtures';

const SETUP_TIMEOUT_MS = 120_000;
const DAY_MS = 24 * 60 * 60 * 1000;

function removalSuite(open: () => Promise<PackageDbFixture>): void {
  let fixture: PackageDbFixture;
  let prisma: PrismaClient;
  let folder: BlobFolder;
  let blobs: ManagedBlobStore;

  beforeAll(async () => {
    fixture = await open();
    prisma = fixture.prisma;
    folder = await openBlobFolder('stowage-package-blobs');
    blobs = folder.blobs;
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await folder?.close();
    await fixture?.close();
  }, SETUP_TIMEOUT_MS);
  beforeEach(async () => {
    await prisma.packageStorageDeletion.deleteMany();
    await prisma.package.deleteMany();
  });

  describe('destroyPendingPackages', () => {
    it('when packages are pending destruction, then they and their files go over several batches and every object is queued', async () => {
      const doomed = [];
      for (let i = 0; i < 3; i++) {
        const pkg = await createPackage(prisma, { status: 'pending_destruction' });
        doomed.push(await addFile(prisma, blobs, pkg), await addFile(prisma, blobs, pkg, { fileName: 'b' }));
      }
      const live = await createPackage(prisma);
      const kept = await addFile(prisma, blobs, live);

      expect(await destroyPendingPackages(prisma, { batchSize: 2 })).toEqual({ files: 6, packages: 3 });

      expect((await prisma.package.findMany()).map((row) => row.id)).toEqual([live.id]);
      expect((await prisma.packageFile.findMany()).map((row) => row.id)).toEqual([kept.id]);
      expect(await queuedDeletions(prisma)).toEqual(doomed.map((file) => file.storageKey).sort());
      // Objects stay until the storage pass finds them due and unused.
      for (const file of doomed) expect(await stored(blobs, file.storageKey)).toBe(true);
    });

    it('when only a file is pending destruction, then the file goes and its live package stays', async () => {
      const pkg = await createPackage(prisma);
      const old = await addFile(prisma, blobs, pkg, { status: 'pending_destruction' });
      const current = await addFile(prisma, blobs, pkg);

      expect(await destroyPendingPackages(prisma)).toEqual({ files: 1, packages: 0 });
      expect((await prisma.packageFile.findMany()).map((row) => row.id)).toEqual([current.id]);
      expect(await queuedDeletions(prisma)).toEqual([old.storageKey]);
    });

    it('when several passes run at once, then every row is deleted once and every object is queued', async () => {
      const keys: string[] = [];
      for (let i = 0; i < 8; i++) {
        const pkg = await createPackage(prisma, { status: 'pending_destruction' });
        keys.push((await addFile(prisma, blobs, pkg)).storageKey);
      }
      const others = await Promise.all([fixture.openClient(), fixture.openClient()]);
      try {
        const outcomes = await Promise.all(
          [prisma, ...others.map((other) => other.prisma)].map((client) =>
            destroyPendingPackages(client, { batchSize: 2 }),
          ),
        );
        expect(outcomes.reduce((sum, outcome) => sum + outcome.files, 0)).toBe(8);
      } finally {
        await Promise.all(others.map((other) => other.close()));
      }
      // A package whose file another pass held waits for the next pass.
      await destroyPendingPackages(prisma);
      expect(await prisma.package.count()).toBe(0);
      expect(await queuedDeletions(prisma)).toEqual(keys.sort());
    });
  });

  describe('deletePackageStorage', () => {
    it('when a due key is no longer used, then its object and row go; a key not due yet waits', async () => {
      const pkg = await createPackage(prisma, { status: 'pending_destruction' });
      const file = await addFile(prisma, blobs, pkg);
      await destroyPendingPackages(prisma);

      expect(await deletePackageStorage(prisma, blobs)).toEqual({ deleted: 0, cancelled: 0, failed: 0 });
      expect(await stored(blobs, file.storageKey)).toBe(true);

      expect(await deletePackageStorage(prisma, blobs, { now: afterDelay() })).toEqual({
        deleted: 1,
        cancelled: 0,
        failed: 0,
      });
      expect(await stored(blobs, file.storageKey)).toBe(false);
      expect(await queuedDeletions(prisma)).toEqual([]);
    });

    it('when another package still has a file with the same content, then the object stays and only the row goes', async () => {
      const shared = randomContent();
      const deleted = await createPackage(prisma, { status: 'pending_destruction' });
      await addFile(prisma, blobs, deleted, { content: shared });
      const other = await createPackage(prisma);
      const keeper = await addFile(prisma, blobs, other, { content: shared });
      await destroyPendingPackages(prisma);

      expect(await deletePackageStorage(prisma, blobs, { now: afterDelay() })).toEqual({
        deleted: 0,
        cancelled: 1,
        failed: 0,
      });
      expect(await stored(blobs, keeper.storageKey)).toBe(true);
      expect(await queuedDeletions(prisma)).toEqual([]);
    });

    it('when storage refuses a delete, then its row waits longer each time and the others are done', async () => {
      const [refused, fine] = [randomContent(), randomContent()];
      const pkg = await createPackage(prisma, { status: 'pending_destruction' });
      const refusedFile = await addFile(prisma, blobs, pkg, { content: refused });
      const fineFile = await addFile(prisma, blobs, pkg, { content: fine, fileName: 'other' });
      await destroyPendingPackages(prisma);
      const failing = failingDeletesOf(blobs, new Set([refusedFile.storageKey]));
      const now = afterDelay();

      expect(await deletePackageStorage(prisma, failing, { now })).toEqual({
        deleted: 1,
        cancelled: 0,
        failed: 1,
      });
      expect(await stored(blobs, fineFile.storageKey)).toBe(false);
      expect(await stored(blobs, refusedFile.storageKey)).toBe(true);
      const row = await prisma.packageStorageDeletion.findUniqueOrThrow({
        where: { storageKey: refusedFile.storageKey },
      });
      expect(row.attempts).toBe(1);
      expect(row.dueAt.getTime()).toBe(now.getTime() + retryDelayMs(0));

      // Not due again at the same moment; due after the backoff.
      expect(await deletePackageStorage(prisma, blobs, { now })).toEqual({
        deleted: 0,
        cancelled: 0,
        failed: 0,
      });
      expect(await deletePackageStorage(prisma, blobs, { now: new Date(row.dueAt.getTime() + 1) })).toEqual({
        deleted: 1,
        cancelled: 0,
        failed: 0,
      });
      expect(await stored(blobs, refusedFile.storageKey)).toBe(false);
    });

    it('when several passes run at once, then every object is deleted once and every row goes', async () => {
      const keys: string[] = [];
      const pkg = await createPackage(prisma, { status: 'pending_destruction' });
      for (let i = 0; i < 10; i++)
        keys.push((await addFile(prisma, blobs, pkg, { fileName: `f${i}` })).storageKey);
      await destroyPendingPackages(prisma);
      const others = await Promise.all([fixture.openClient(), fixture.openClient()]);
      try {
        const now = afterDelay();
        const outcomes = await Promise.all(
          [prisma, ...others.map((other) => other.prisma)].map((client) =>
            deletePackageStorage(client, blobs, { batchSize: 2, now }),
          ),
        );
        expect(outcomes.reduce((sum, outcome) => sum + outcome.deleted, 0)).toBe(10);
      } finally {
        await Promise.all(others.map((other) => other.close()));
      }
      for (const key of keys) expect(await stored(blobs, key)).toBe(false);
      expect(await queuedDeletions(prisma)).toEqual([]);
    });

    it('when a row names a key outside the packages prefix, then nothing is deleted from storage and the row goes', async () => {
      await blobs.put('registry/blobs/not-ours', Buffer.from('x'));
      await scheduleStorageDeletions(prisma, ['registry/blobs/not-ours'], 0);
      expect(await deletePackageStorage(prisma, blobs, { now: afterDelay() })).toMatchObject({ failed: 0 });
      expect(await stored(blobs, 'registry/blobs/not-ours')).toBe(true);
      expect(await queuedDeletions(prisma)).toEqual([]);
    });
  });

  it('when an upload object is older than a day, then it is deleted, and a younger one (an upload in progress) stays', async () => {
    const crashed = packageUploadKey('00000000-0000-4000-8000-000000000001');
    const running = packageUploadKey('00000000-0000-4000-8000-000000000002');
    await blobs.put(crashed, Buffer.from('partial'));
    await blobs.put(running, Buffer.from('partial'));
    const twoDaysAgo = new Date(Date.now() - 2 * DAY_MS);
    folder.backdate(crashed, twoDaysAgo);

    expect(await deleteStaleUploads(blobs)).toEqual({ deleted: 1, failed: 0 });
    expect(await blobs.stat(crashed)).toBeNull();
    expect(await blobs.stat(running)).not.toBeNull();
    await blobs.delete(running);
  });
}

describe('package removal on PGlite and the filesystem', () => {
  removalSuite(openPglitePackageDb);
});

describeWithComponents(['postgres'], 'package removal on PostgreSQL and the filesystem', () => {
  removalSuite(() => openPostgresPackageDb('pkgremoval'));
});
