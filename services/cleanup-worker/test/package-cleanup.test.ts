import type { ManagedBlobStore } from '@stowage/blob-store';
import type { Job } from '@stowage/bus';
import { createSilentLogger } from '@stowage/logging';
import {
  PACKAGE_CLEANUP_POLICY_QUEUE,
  PACKAGE_DESTRUCTION_QUEUE,
  packageFileKey,
  packageUploadKey,
  savePackageCleanupPolicy,
  scheduleStorageDeletions,
  type PrismaClient as PackagePrismaClient,
} from '@stowage/package-registry-data';
import { waitFor } from '@stowage/testing';
import {
  openPglitePackageDb,
  type PackageDbFixture,
} from '../../../libs/package-registry-data/test/support/package-db';
import {
  addFile,
  createPackage,
  queuedDeletions,
  randomContent,
  stored,
} from '../../../libs/package-registry-data/test/support/package-fixtures';
import { startPackageStorageSweeper } from '../src/gc/package-storage-sweeper';
import { createPackageJobHandlers } from '../src/jobs/package-job-handlers';
import { startPackageCleanupPolicyScheduler } from '../src/scheduling/package-cleanup-policy-scheduler';
import { startSchemaWorker, type SchemaWorker } from './support/schema-worker';

const SETUP_TIMEOUT_MS = 120_000;
const DAY_MS = 24 * 60 * 60 * 1000;

describe("the package registry's cleanup (PGlite, blobs in a folder)", () => {
  const logger = createSilentLogger();
  let fixture: PackageDbFixture;
  let packages: PackagePrismaClient;
  let world: SchemaWorker;
  let blobs: ManagedBlobStore;
  let nextProject = 100;
  let deliveries = 0;

  beforeAll(async () => {
    fixture = await openPglitePackageDb();
    packages = fixture.prisma;
    world = await startSchemaWorker(fixture.db, logger, 'stowage-package-worker');
    blobs = world.blobs;
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await world?.close();
    await fixture?.close();
  }, SETUP_TIMEOUT_MS);

  const project = () => ++nextProject;
  function deliver(queue: string, payload: unknown): Promise<void> {
    const handlers = createPackageJobHandlers({ packages, blobs, logger, batchSize: world.batchSize });
    const job: Job = { id: `manual-${++deliveries}`, queue, payload, attempt: 1 };
    return handlers[queue]!(job);
  }

  it('when a destruction job arrives on the bus, then pending packages and their files go and their objects are queued, not yet deleted', async () => {
    const projectId = project();
    const doomed = await createPackage(packages, { projectId, status: 'pending_destruction' });
    const files = [
      await addFile(packages, blobs, doomed),
      await addFile(packages, blobs, doomed, { fileName: 'b' }),
    ];
    const live = await createPackage(packages, { projectId });
    await addFile(packages, blobs, live);
    const before = await world.metric('stowage_cleanup_packages_rows_destroyed_total', {
      kind: 'package_file',
    });

    await world.bus.jobs.enqueue(PACKAGE_DESTRUCTION_QUEUE, {});

    await waitFor(
      'the package to be destroyed',
      async () => (await packages.package.count({ where: { id: doomed.id } })) === 0,
    );
    expect(await packages.package.count({ where: { projectId } })).toBe(1);
    const queued = await queuedDeletions(packages);
    for (const file of files) {
      expect(queued).toContain(file.storageKey);
      // Within the deletion delay, a publish of the same bytes may still take the object back.
      expect(await stored(blobs, file.storageKey)).toBe(true);
    }
    await waitFor(
      'the rows to be counted',
      async () =>
        (await world.metric('stowage_cleanup_packages_rows_destroyed_total', { kind: 'package_file' })) ===
        before + 2,
    );
  });

  it('when a policy keeps one file per name, then its run marks and destroys the older duplicates and queues their objects unless shared', async () => {
    const projectId = project();
    await savePackageCleanupPolicy(packages, projectId, '1');
    const pkg = await createPackage(packages, { projectId, packageType: 'maven', version: '1.0-SNAPSHOT' });
    const shared = randomContent();
    const oldest = await addFile(packages, blobs, pkg, {
      fileName: 'a.jar',
      createdAt: new Date(Date.now() - 3000),
    });
    const older = await addFile(packages, blobs, pkg, {
      fileName: 'a.jar',
      content: shared,
      createdAt: new Date(Date.now() - 2000),
    });
    const newest = await addFile(packages, blobs, pkg, {
      fileName: 'a.jar',
      createdAt: new Date(Date.now() - 1000),
    });
    const elsewhere = await createPackage(packages, { projectId: project() });
    await addFile(packages, blobs, elsewhere, { content: shared });

    await deliver(PACKAGE_CLEANUP_POLICY_QUEUE, { project_id: projectId });

    expect((await packages.packageFile.findMany({ where: { packageId: pkg.id } })).map((f) => f.id)).toEqual([
      newest.id,
    ]);
    const queued = await queuedDeletions(packages);
    expect(queued).toEqual(expect.arrayContaining([oldest.storageKey, older.storageKey]));

    // Once due: the object only this project had goes, the one another package uses stays.
    await packages.packageStorageDeletion.updateMany({ data: { dueAt: new Date(Date.now() - 1000) } });
    const sweeper = startPackageStorageSweeper({ packages, blobs, logger, intervalMs: 0 });
    try {
      await sweeper.sweep();
    } finally {
      await sweeper.stop();
    }
    expect(await stored(blobs, oldest.storageKey)).toBe(false);
    expect(await stored(blobs, older.storageKey)).toBe(true);
    expect(await stored(blobs, newest.storageKey)).toBe(true);
    expect(await queuedDeletions(packages)).toEqual([]);
  });

  it('when a policy was set back to keep everything before its run, then the run removes nothing', async () => {
    const projectId = project();
    await savePackageCleanupPolicy(packages, projectId, 'all');
    const pkg = await createPackage(packages, { projectId });
    await addFile(packages, blobs, pkg, { fileName: 'same' });
    await addFile(packages, blobs, pkg, { fileName: 'same' });
    await deliver(PACKAGE_CLEANUP_POLICY_QUEUE, { project_id: projectId });
    expect(await packages.packageFile.count({ where: { packageId: pkg.id, status: 'default' } })).toBe(2);
  });

  it('when a payload is malformed, then the job is dropped without touching anything', async () => {
    const projectId = project();
    await savePackageCleanupPolicy(packages, projectId, '1');
    const pkg = await createPackage(packages, { projectId });
    await addFile(packages, blobs, pkg, { fileName: 'same' });
    await addFile(packages, blobs, pkg, { fileName: 'same' });
    for (const payload of [{ project_id: String(projectId) }, { project_id: -1 }, null, [projectId]]) {
      await expect(deliver(PACKAGE_CLEANUP_POLICY_QUEUE, payload)).resolves.toBeUndefined();
    }
    expect(await packages.packageFile.count({ where: { packageId: pkg.id, status: 'default' } })).toBe(2);
  });

  it('when the scheduler finds a due policy, then its run is queued on the bus once and the worker applies it', async () => {
    const projectId = project();
    await savePackageCleanupPolicy(packages, projectId, '1');
    await packages.packageCleanupPolicy.update({
      where: { projectId },
      data: { nextRunAt: new Date(Date.now() - 1000) },
    });
    const pkg = await createPackage(packages, { projectId });
    await addFile(packages, blobs, pkg, { fileName: 'same', createdAt: new Date(Date.now() - 2000) });
    const kept = await addFile(packages, blobs, pkg, { fileName: 'same' });
    const scheduler = startPackageCleanupPolicyScheduler({
      packages,
      jobs: world.bus.jobs,
      logger,
      intervalMs: 0,
    });
    try {
      expect(await scheduler.tick()).toBe(1);
      expect(await scheduler.tick()).toBe(0);
    } finally {
      await scheduler.stop();
    }
    await waitFor(
      'the policy run',
      async () => (await packages.packageFile.count({ where: { packageId: pkg.id } })) === 1,
    );
    expect((await packages.packageFile.findFirstOrThrow({ where: { packageId: pkg.id } })).id).toBe(kept.id);
  });

  it('when a sweep runs, then due objects no file uses and uploads older than a day go; a recent upload stays', async () => {
    const orphan = randomContent();
    const key = packageFileKey(orphan.sha256);
    await blobs.put(key, orphan.bytes);
    await scheduleStorageDeletions(packages, [key], 0);
    const crashed = packageUploadKey('00000000-0000-4000-8000-0000000000aa');
    const running = packageUploadKey('00000000-0000-4000-8000-0000000000bb');
    await blobs.put(crashed, Buffer.from('half a file'));
    await blobs.put(running, Buffer.from('half a file'));
    const twoDaysAgo = new Date(Date.now() - 2 * DAY_MS);
    world.backdate(crashed, twoDaysAgo);
    const sweeper = startPackageStorageSweeper({ packages, blobs, logger, intervalMs: 0 });

    await sweeper.sweep();
    await sweeper.stop();

    expect(await stored(blobs, key)).toBe(false);
    expect(await blobs.stat(crashed)).toBeNull();
    expect(await blobs.stat(running)).not.toBeNull();
    await blobs.delete(running);
  });
});
