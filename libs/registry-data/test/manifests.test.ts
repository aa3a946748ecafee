import { createHash } from 'node:crypto';
import {
  deleteManifest,
  deleteTag,
  ensureRepository,
  findManifest,
  findManifestByPath,
  linkBlob,
  listReferrers,
  listTagNames,
  ManifestReferenceUnknownError,
  MEDIA_TYPES,
  projectsWithTags,
  RepositoryBeingDeletedError,
  saveManifest,
  type ManifestToSave,
  type Repository,
} from '../src';
import { openRegistryDb, type RegistryDbFixture } from './support/registry-db';

const digest = (seed: string) => `sha256:${createHash('sha256').update(seed).digest('hex')}`;

function imageManifest(seed: string, blobs: string[], extra: Partial<ManifestToSave> = {}): ManifestToSave {
  const payload = Buffer.from(JSON.stringify({ seed, blobs }));
  return {
    digest: `sha256:${createHash('sha256').update(payload).digest('hex')}`,
    mediaType: MEDIA_TYPES.ociManifest,
    payload,
    artifactType: 'application/vnd.oci.image.config.v1+json',
    subjectDigest: null,
    configDigest: blobs[0] ?? null,
    annotations: null,
    blobs: blobs.map((d) => ({ digest: d, size: 100, mediaType: 'application/octet-stream' })),
    childDigests: [],
    ...extra,
  };
}

describe('registry-data manifests and tags', () => {
  let fixture: RegistryDbFixture;
  let repository: Repository;
  let counter = 0;

  const outbox = async () =>
    (await fixture.prisma.outboxEvent.findMany({ orderBy: { seq: 'asc' } })).map((event) => ({
      type: event.type,
      payload: event.payload,
    }));

  beforeAll(async () => {
    fixture = await openRegistryDb();
  });
  afterAll(() => fixture?.close());

  beforeEach(async () => {
    await fixture.prisma.outboxEvent.deleteMany();
    repository = await ensureRepository(fixture.prisma, `group/project/image-${++counter}`, 42);
  });

  it('stores a manifest whose blobs are linked, tags it, and records container.manifest.pushed', async () => {
    const [config, layer] = [digest('config'), digest('layer')];
    await linkBlob(fixture.prisma, repository.id, config, 100);
    await linkBlob(fixture.prisma, repository.id, layer, 100);
    const manifest = imageManifest('a', [config, layer]);
    const stored = await saveManifest(fixture.prisma, repository, manifest, 'v1');

    expect(stored.totalSize).toBe(BigInt(200 + manifest.payload.length));
    expect((await findManifestByPath(fixture.db, repository.path, { tag: 'v1' }))?.digest).toBe(
      manifest.digest,
    );
    expect(await findManifestByPath(fixture.db, repository.path, { digest: manifest.digest })).toEqual({
      digest: manifest.digest,
      mediaType: MEDIA_TYPES.ociManifest,
      payload: new Uint8Array(manifest.payload),
    });
    expect(await findManifestByPath(fixture.db, 'group/project/other', { tag: 'v1' })).toBeNull();
    expect(await outbox()).toEqual([
      {
        type: 'container.manifest.pushed',
        payload: {
          repository: repository.path,
          project_id: 42,
          digest: manifest.digest,
          media_type: MEDIA_TYPES.ociManifest,
          tag: 'v1',
          size: Number(stored.totalSize),
        },
      },
    ]);
  });

  it('refuses a manifest with a blob the repository does not have, storing nothing', async () => {
    const missing = digest('missing');
    await expect(
      saveManifest(fixture.prisma, repository, imageManifest('b', [missing]), 'v1'),
    ).rejects.toEqual(new ManifestReferenceUnknownError(missing, 'blob'));
    expect(await listTagNames(fixture.prisma, repository.id)).toEqual([]);
    expect(await outbox()).toEqual([]);
  });

  it('refuses an index whose child manifest was pushed to another repository', async () => {
    const other = await ensureRepository(fixture.prisma, `group/project/elsewhere-${counter}`, 42);
    const child = imageManifest('child', []);
    await saveManifest(fixture.prisma, other, child, null);
    const index = {
      ...imageManifest('index', []),
      mediaType: MEDIA_TYPES.ociIndex,
      childDigests: [child.digest],
    };
    await expect(saveManifest(fixture.prisma, repository, index, 'list')).rejects.toEqual(
      new ManifestReferenceUnknownError(child.digest, 'manifest'),
    );
    await saveManifest(fixture.prisma, repository, child, null);
    const stored = await saveManifest(fixture.prisma, repository, index, 'list');
    expect(stored.totalSize).toBe(BigInt(index.payload.length + child.payload.length));
  });

  it('moving a tag queues the manifest it left for GC review; deleting a tag keeps the manifest', async () => {
    const first = await saveManifest(fixture.prisma, repository, imageManifest('one', []), 'latest');
    await saveManifest(fixture.prisma, repository, imageManifest('two', []), 'latest');
    const reviews = await fixture.prisma.gcManifestReview.findMany({
      where: { repositoryId: repository.id },
    });
    expect(reviews.map((r) => [r.manifestId, r.event])).toEqual([[first.id, 'tag_switch']]);

    await fixture.prisma.outboxEvent.deleteMany();
    expect(await deleteTag(fixture.prisma, repository, 'latest')).toBe(true);
    expect(await deleteTag(fixture.prisma, repository, 'latest')).toBe(false);
    expect(await findManifest(fixture.prisma, repository.id, { digest: first.digest })).not.toBeNull();
    expect((await outbox()).map((e) => e.type)).toEqual(['container.tag.deleted']);
  });

  it('deleting a manifest by digest removes its tags (an event each) and queues its blobs', async () => {
    const layer = digest(`layer-${counter}`);
    await linkBlob(fixture.prisma, repository.id, layer, 100);
    const manifest = imageManifest('c', [layer]);
    await saveManifest(fixture.prisma, repository, manifest, 'a');
    await saveManifest(fixture.prisma, repository, manifest, 'b');
    await fixture.prisma.outboxEvent.deleteMany();

    expect(await deleteManifest(fixture.prisma, repository, manifest.digest)).toBe(true);
    expect(await listTagNames(fixture.prisma, repository.id)).toEqual([]);
    expect((await outbox()).map((e) => (e.payload as { tag: string }).tag).sort()).toEqual(['a', 'b']);
    expect(await fixture.prisma.gcBlobReview.findUnique({ where: { digest: layer } })).toMatchObject({
      event: 'manifest_delete',
    });
    expect(await deleteManifest(fixture.prisma, repository, manifest.digest)).toBe(false);
  });

  it('lists referrers of a subject, optionally by artifact type', async () => {
    const subject = digest('subject');
    const sbom = imageManifest('sbom', [], { subjectDigest: subject, artifactType: 'application/sbom' });
    const sig = imageManifest('sig', [], { subjectDigest: subject, artifactType: 'application/sig' });
    await saveManifest(fixture.prisma, repository, sbom, null);
    await saveManifest(fixture.prisma, repository, sig, null);
    expect((await listReferrers(fixture.prisma, repository.id, subject)).map((r) => r.digest)).toEqual([
      sbom.digest,
      sig.digest,
    ]);
    expect(await listReferrers(fixture.prisma, repository.id, subject, 'application/sig')).toEqual([
      {
        digest: sig.digest,
        mediaType: MEDIA_TYPES.ociManifest,
        size: sig.payload.length,
        artifactType: 'application/sig',
        annotations: null,
      },
    ]);
  });

  it('tells which projects have tags, and refuses pushes to a repository being deleted', async () => {
    const tagged = await ensureRepository(fixture.prisma, 'tagged/project', 1001);
    await ensureRepository(fixture.prisma, 'untagged/project', 1002);
    await saveManifest(fixture.prisma, tagged, imageManifest('t', []), 'v1');
    expect(await projectsWithTags(fixture.prisma, [1001, 1002, 1003])).toEqual([1001]);

    await fixture.prisma.repository.update({
      where: { id: tagged.id },
      data: { status: 'delete_scheduled' },
    });
    await expect(ensureRepository(fixture.prisma, 'tagged/project', 1001)).rejects.toThrow(
      RepositoryBeingDeletedError,
    );
    expect(await findManifestByPath(fixture.db, 'tagged/project', { tag: 'v1' })).toBeNull();
  });
});
