import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import type { ManagedBlobStore } from '@stowage/blob-store';
import { packageFileKey, type PrismaClient } from '@stowage/package-registry-data';
import { stageFile, type StagedFile } from '../src/core/file-staging';
import type { ProjectAccess } from '../src/core/package-access';
import type { PackageContext } from '../src/core/package-context';
import {
  ChecksumMismatchError,
  DuplicatePackageError,
  FileTooLargeError,
  IncompleteUploadError,
  PackageProtectedError,
} from '../src/core/package-errors';
import { publishFile, type PublishRequest } from '../src/core/package-publish';
import { verifyChecksums } from '../src/core/checksums';
import { FakeIdentity } from './support/fake-identity';
import {
  openPackageContext,
  REGISTRY_APP_TIMEOUT_MS,
  type PackageContextFixture,
} from './support/registry-app';

// The core on PGlite and a filesystem store (standalone mode's adapters): staging, publishing,
// duplicates, protection rules, and that a refusal leaves no row behind.

let fx: PackageContextFixture;
let ctx: PackageContext;
let prisma: PrismaClient;
let blobs: ManagedBlobStore;

beforeAll(async () => {
  fx = await openPackageContext({
    identity: new FakeIdentity(),
    externalUrl: 'http://stowage.test',
    limits: { maxFileBytes: 1024, maxMetadataBytes: 1024 },
  });
  ({ ctx, prisma, blobs } = fx);
}, REGISTRY_APP_TIMEOUT_MS);

afterAll(async () => {
  await fx?.close();
}, REGISTRY_APP_TIMEOUT_MS);

let nextProject = 100;
function access(overrides: Partial<ProjectAccess> = {}): ProjectAccess {
  const id = nextProject++;
  return {
    project: { id, fullPath: `team/sub/app-${id}`, visibility: 'private' },
    principal: {
      kind: 'user',
      user_id: 1,
      username: 'dev',
      admin: false,
      credential: 'personal_access_token',
    },
    can: { read: true, create: true, destroy: false, admin: false },
    accessLevel: 30,
    instanceAdmin: false,
    build: null,
    ...overrides,
  };
}

const stage = (text: string) => stageFile(blobs, Readable.from([Buffer.from(text)]), { maxBytes: 1024 });

async function stagingObjects(): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of blobs.list('packages/uploads/')) keys.push(object.key);
  return keys;
}

function request(
  who: ProjectAccess,
  staged: StagedFile,
  overrides: Partial<PublishRequest> = {},
): PublishRequest {
  return {
    access: who,
    type: 'generic',
    name: 'tool',
    version: '1.0.0',
    file: { name: 'tool.bin', staged },
    duplicates: 'namespace-setting',
    ...overrides,
  };
}

describe('staging', () => {
  it('when a body streams in, then it is stored under a staging key with all four digests', async () => {
    const staged = await stage('hello');
    expect(staged).toMatchObject({
      size: 5,
      md5: createHash('md5').update('hello').digest('hex'),
      sha1: createHash('sha1').update('hello').digest('hex'),
      sha256: createHash('sha256').update('hello').digest('hex'),
      sha512: createHash('sha512').update('hello').digest('hex'),
    });
    expect(await stagingObjects()).toContain(staged.stagingKey);
    await blobs.delete(staged.stagingKey);
  });

  it('when a body is over the limit, then it is refused and nothing stays in storage', async () => {
    await expect(
      stageFile(blobs, Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), { maxBytes: 1024 }),
    ).rejects.toBeInstanceOf(FileTooLargeError);
    await expect(
      stageFile(blobs, Readable.from([Buffer.alloc(1)]), { maxBytes: 1024, expectedSize: 2048 }),
    ).rejects.toBeInstanceOf(FileTooLargeError);
    expect(await stagingObjects()).toEqual([]);
  });

  it('when a body ends before its announced length, then it is refused as incomplete and removed', async () => {
    await expect(
      stageFile(blobs, Readable.from([Buffer.alloc(10)]), { maxBytes: 1024, expectedSize: 20 }),
    ).rejects.toBeInstanceOf(IncompleteUploadError);
    expect(await stagingObjects()).toEqual([]);
  });

  it('when a checksum the client sent differs, then verifyChecksums refuses it', async () => {
    const staged = await stage('abc');
    expect(() => verifyChecksums(staged, { sha1: staged.sha1, sha256: '0'.repeat(64) })).toThrow(
      ChecksumMismatchError,
    );
    expect(() => verifyChecksums(staged, { md5: 'not hex' })).toThrow(/malformed/);
    expect(() => verifyChecksums(staged, { sha256: staged.sha256.toUpperCase() })).not.toThrow();
    await blobs.delete(staged.stagingKey);
  });
});

describe('publishing', () => {
  it('when a file is published, then the package, the file at its content address and an event exist', async () => {
    const who = access();
    const staged = await stage('first file');
    const published = await publishFile(ctx, request(who, staged));
    expect(published.package).toMatchObject({ projectId: who.project.id, name: 'tool', version: '1.0.0' });
    expect(published.file.storageKey).toBe(packageFileKey(staged.sha256));
    expect(await blobs.stat(published.file.storageKey)).not.toBeNull();
    expect(await stagingObjects()).toEqual([]);
    const events = await prisma.outboxEvent.findMany({ where: { type: 'package.published' } });
    expect(events.map((event) => event.payload)).toContainEqual(
      expect.objectContaining({
        package_id: published.package.id,
        file_name: 'tool.bin',
        sha256: staged.sha256,
      }),
    );
  });

  it('when two first publishes of one version race, then they share one package', async () => {
    const who = access();
    const [a, b] = await Promise.all([
      stage('a').then((staged) => publishFile(ctx, request(who, staged, { file: { name: 'a', staged } }))),
      stage('b').then((staged) => publishFile(ctx, request(who, staged, { file: { name: 'b', staged } }))),
    ]);
    expect(a.package.id).toBe(b.package.id);
    expect(await prisma.package.count({ where: { projectId: who.project.id } })).toBe(1);
  });

  it('when duplicates are never allowed, then a second file of the same name is refused and leaves no row', async () => {
    const who = access();
    await publishFile(ctx, request(who, await stage('v1'), { duplicates: 'never' }));
    await expect(
      publishFile(ctx, request(who, await stage('v2'), { duplicates: 'never' })),
    ).rejects.toBeInstanceOf(DuplicatePackageError);
    expect(await prisma.packageFile.count({ where: { package: { projectId: who.project.id } } })).toBe(1);
    // The refused object is queued for removal (it is used by no file).
    const refusedKey = packageFileKey(createHash('sha256').update('v2').digest('hex'));
    expect(
      await prisma.packageStorageDeletion.findUnique({ where: { storageKey: refusedKey } }),
    ).not.toBeNull();
  });

  it("when the nearest group disallows duplicates, then its rule wins over an ancestor's", async () => {
    const who = access();
    await prisma.namespacePackageSetting.createMany({
      data: [
        { namespaceId: 1, namespacePath: 'team', packageType: 'generic', duplicatesAllowed: true },
        {
          namespaceId: 2,
          namespacePath: 'team/sub',
          packageType: 'generic',
          duplicatesAllowed: false,
          duplicateExceptionRegex: '^tool-snapshot$',
        },
      ],
    });
    await publishFile(ctx, request(who, await stage('d1')));
    await expect(publishFile(ctx, request(who, await stage('d2')))).rejects.toBeInstanceOf(
      DuplicatePackageError,
    );
    const exception = { name: 'tool-snapshot' };
    await publishFile(ctx, request(who, await stage('e1'), exception));
    await publishFile(ctx, request(who, await stage('e2'), exception));
    await prisma.namespacePackageSetting.deleteMany();
  });

  it('when a protection rule asks for Maintainer, then a Developer is refused and an instance admin is not', async () => {
    const developer = access();
    await prisma.packageProtectionRule.create({
      data: {
        projectId: developer.project.id,
        packageNamePattern: 'to*',
        packageType: 'generic',
        minimumAccessLevelForPush: 'maintainer',
      },
    });
    await expect(publishFile(ctx, request(developer, await stage('p1')))).rejects.toBeInstanceOf(
      PackageProtectedError,
    );
    const admin = { ...developer, accessLevel: 0, instanceAdmin: true };
    await expect(publishFile(ctx, request(admin, await stage('p2')))).resolves.toBeDefined();
    const maintainer = { ...developer, accessLevel: 40 };
    await expect(publishFile(ctx, request(maintainer, await stage('p3')))).resolves.toBeDefined();
    const otherName = request(developer, await stage('p4'), { name: 'other' });
    await expect(publishFile(ctx, otherName)).resolves.toBeDefined();
  });

  it('when a job token publishes, then the last five pipelines are kept', async () => {
    const who = access();
    for (let pipeline = 1; pipeline <= 7; pipeline += 1) {
      const build = {
        pipelineId: pipeline,
        ref: 'main',
        sha: `${pipeline}`.repeat(40).slice(0, 40),
        userId: 1,
      };
      await publishFile(
        ctx,
        request({ ...who, build }, await stage(`build ${pipeline}`), { duplicates: 'always' }),
      );
    }
    const builds = await prisma.packageBuildInfo.findMany({
      where: { package: { projectId: who.project.id } },
      orderBy: { pipelineId: 'asc' },
    });
    expect(builds.map((build) => build.pipelineId)).toEqual([3, 4, 5, 6, 7]);
  });
});
