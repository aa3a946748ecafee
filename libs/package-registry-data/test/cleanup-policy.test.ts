import type { ManagedBlobStore } from '@stowage/blob-store';
import { describeWithComponents } from '@stowage/testing';
import { openBlobFolder, type BlobFolder } from '../../blob-store/test/support/blob-folder';
import {
  claimDuePackageCleanupPolicies,
  PACKAGE_CLEANUP_POLICY_INTERVAL_MS,
  packageCleanupPolicyOf,
  releasePackageCleanupPolicyClaim,
  runPackageCleanupPolicy,
  savePackageCleanupPolicy,
  type PrismaClient,
} from '../src';
import { openPglitePackageDb, openPostgresPackageDb, type PackageDbFixture } from './support/package-db';
import { addFile, createPackage } from './support/package-fixtures';

const SETUP_TIMEOUT_MS = 120_000;
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

function cleanupPolicySuite(open: () => Promise<PackageDbFixture>): void {
  let fixture: PackageDbFixture;
  let prisma: PrismaClient;
  let folder: BlobFolder;
  let blobs: ManagedBlobStore;

  beforeAll(async () => {
    fixture = await open();
    prisma = fixture.prisma;
    folder = await openBlobFolder('stowage-package-policy');
    blobs = folder.blobs;
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await folder?.close();
    await fixture?.close();
  }, SETUP_TIMEOUT_MS);
  beforeEach(async () => {
    await prisma.package.deleteMany();
    await prisma.packageCleanupPolicy.deleteMany();
  });

  const statusesOf = async (packageId: number) =>
    (await prisma.packageFile.findMany({ where: { packageId }, orderBy: { id: 'asc' } })).map(
      (file) => `${file.fileName}:${file.status}`,
    );

  it('when a project never saved a policy, then it keeps everything and has no run scheduled', async () => {
    expect(await packageCleanupPolicyOf(prisma, 41)).toEqual({
      keepNDuplicatedPackageFiles: 'all',
      nextRunAt: null,
    });
    expect(await runPackageCleanupPolicy(prisma, 41)).toBeNull();
  });

  it('when keep is 1, then of each file name in each package only the newest stays; other projects are untouched', async () => {
    const projectId = 42;
    await savePackageCleanupPolicy(prisma, projectId, '1');
    const pkg = await createPackage(prisma, { projectId });
    for (const minutes of [30, 20, 10])
      await addFile(prisma, blobs, pkg, { fileName: 'a.jar', createdAt: minutesAgo(minutes) });
    await addFile(prisma, blobs, pkg, { fileName: 'b.pom', createdAt: minutesAgo(5) });
    const other = await createPackage(prisma, { projectId: 43 });
    await addFile(prisma, blobs, other, { fileName: 'a.jar', createdAt: minutesAgo(30) });
    await addFile(prisma, blobs, other, { fileName: 'a.jar', createdAt: minutesAgo(20) });

    expect(await runPackageCleanupPolicy(prisma, projectId)).toEqual({ filesMarked: 2 });
    expect(await statusesOf(pkg.id)).toEqual([
      'a.jar:pending_destruction',
      'a.jar:pending_destruction',
      'a.jar:default',
      'b.pom:default',
    ]);
    expect(await statusesOf(other.id)).toEqual(['a.jar:default', 'a.jar:default']);
    // Run again: nothing more to mark.
    expect(await runPackageCleanupPolicy(prisma, projectId)).toEqual({ filesMarked: 0 });
  });

  it('when keep is 10, then a file name with fewer duplicates keeps them all', async () => {
    await savePackageCleanupPolicy(prisma, 44, '10');
    const pkg = await createPackage(prisma, { projectId: 44 });
    for (let i = 0; i < 3; i++) await addFile(prisma, blobs, pkg, { fileName: 'a.jar' });
    expect(await runPackageCleanupPolicy(prisma, 44)).toEqual({ filesMarked: 0 });
  });

  it('when a policy is saved, then a removing value schedules a run 12 hours on, an unchanged one keeps it, and all clears it', async () => {
    const now = new Date('2026-12-07T00:00:00Z');
    const first = await savePackageCleanupPolicy(prisma, 45, '10', now);
    expect(first.nextRunAt).toEqual(new Date(now.getTime() + PACKAGE_CLEANUP_POLICY_INTERVAL_MS));
    const later = new Date(now.getTime() + 60_000);
    expect((await savePackageCleanupPolicy(prisma, 45, '10', later)).nextRunAt).toEqual(first.nextRunAt);
    expect((await savePackageCleanupPolicy(prisma, 45, '20', later)).nextRunAt).toEqual(
      new Date(later.getTime() + PACKAGE_CLEANUP_POLICY_INTERVAL_MS),
    );
    expect((await savePackageCleanupPolicy(prisma, 45, 'all', later)).nextRunAt).toBeNull();
  });

  it('when schedulers claim at once, then each due policy is claimed once and moved 12 hours on; keep-all and future ones are not', async () => {
    const now = new Date();
    const past = new Date(now.getTime() - 1000);
    await prisma.packageCleanupPolicy.createMany({
      data: [
        { projectId: 50, keepNDuplicatedPackageFiles: '1', nextRunAt: past },
        { projectId: 51, keepNDuplicatedPackageFiles: '10', nextRunAt: past },
        { projectId: 52, keepNDuplicatedPackageFiles: 'all', nextRunAt: past },
        { projectId: 53, keepNDuplicatedPackageFiles: '1', nextRunAt: new Date(now.getTime() + 60_000) },
      ],
    });
    const others = await Promise.all([fixture.openClient(), fixture.openClient()]);
    let claims;
    try {
      claims = (
        await Promise.all(
          [prisma, ...others.map((other) => other.prisma)].map((client) =>
            claimDuePackageCleanupPolicies(client, now),
          ),
        )
      ).flat();
    } finally {
      await Promise.all(others.map((other) => other.close()));
    }
    expect(claims.map((claim) => claim.projectId).sort()).toEqual([50, 51]);
    const next = new Date(now.getTime() + PACKAGE_CLEANUP_POLICY_INTERVAL_MS);
    expect(
      (await prisma.packageCleanupPolicy.findUniqueOrThrow({ where: { projectId: 50 } })).nextRunAt,
    ).toEqual(next);
    expect(await claimDuePackageCleanupPolicies(prisma, now)).toEqual([]);

    // A claim whose job could not be queued is given back and is due again.
    expect(
      await releasePackageCleanupPolicyClaim(
        prisma,
        claims.find((c) => c.projectId === 50)!,
        now,
      ),
    ).toBe(true);
    expect((await claimDuePackageCleanupPolicies(prisma, now)).map((claim) => claim.projectId)).toEqual([50]);
  });
}

describe('package cleanup policies on PGlite', () => {
  cleanupPolicySuite(openPglitePackageDb);
});

describeWithComponents(['postgres'], 'package cleanup policies on PostgreSQL', () => {
  cleanupPolicySuite(() => openPostgresPackageDb('pkgpolicy'));
});
