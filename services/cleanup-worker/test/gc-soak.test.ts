import { randomInt } from 'node:crypto';
import {
  deleteTag,
  ensureRepository,
  listTagNames,
  ManifestReferenceUnknownError,
  type Repository,
} from '@stowage/registry-data';
import { describeWithComponents, sleep, waitFor } from '@stowage/testing';
import { openPostgresFilesystemWorld, pushRealImage, storedDigests, type GcWorld } from './support/gc-world';

/**
 * Pushes, tag deletions and garbage collection on two worker replicas, all at once, for at least
 * PUSHING_MS and until enough of each happened; then nothing a tag needs may be missing, and after
 * a final collection nothing may be left that nothing references. Layers come from a small pool,
 * so pushes keep re-uploading and re-referencing blobs that GC is reviewing at that moment.
 */

const REVIEW_DELAY_MS = 1000;
const PUSHING_MS = 12_000;
// Enough work to make the soak mean something, however busy the machine is (a fixed duration
// alone did 49 pushes once under a loaded CI run); the limit only stops a soak that is stuck.
const MIN_PUSHES = 50;
const MIN_TAG_DELETES = 20;
const PUSHING_LIMIT_MS = 90_000;
const PUSHERS = 4;
const DELETERS = 2;
const LAYER_POOL = Array.from({ length: 8 }, (_, index) =>
  Buffer.from(`layer ${index} `.repeat(200 + index * 10)),
);
const TAGS = ['a', 'b', 'c', 'd', 'e'];

interface SoakCounts {
  pushes: number;
  refusedPushes: number;
  tagDeletes: number;
}

/** Whether the soak has run long enough and done enough, or hit its limit. */
type SoakOver = () => boolean;

async function pushLoop(world: GcWorld, repositories: Repository[], over: SoakOver, counts: SoakCounts) {
  while (!over()) {
    const repository = repositories[randomInt(repositories.length)]!;
    const layers = Array.from({ length: 1 + randomInt(3) }, () => LAYER_POOL[randomInt(LAYER_POOL.length)]!);
    try {
      await pushRealImage(world, repository, TAGS[randomInt(TAGS.length)]!, layers);
      counts.pushes++;
    } catch (error) {
      // GC removed a link the push had uploaded too long ago: refused cleanly, as a client sees it.
      if (!(error instanceof ManifestReferenceUnknownError)) throw error;
      counts.refusedPushes++;
    }
  }
}

async function deleteLoop(world: GcWorld, repositories: Repository[], over: SoakOver, counts: SoakCounts) {
  while (!over()) {
    const repository = repositories[randomInt(repositories.length)]!;
    const tags = await listTagNames(world.prisma, repository.id);
    if (tags.length > 0 && (await deleteTag(world.prisma, repository, tags[randomInt(tags.length)]!))) {
      counts.tagDeletes++;
    }
    await sleep(40);
  }
}

/** What every tag needs and what is missing of it: rows, links and stored objects of the right size. */
async function missingForTags(world: GcWorld): Promise<string[]> {
  const missing: string[] = [];
  const tags = await world.prisma.tag.findMany({ include: { manifest: { include: { layers: true } } } });
  for (const tag of tags) {
    for (const layer of tag.manifest.layers) {
      const where = `${tag.name} -> ${layer.digest}`;
      const link = await world.prisma.repositoryBlob.count({
        where: { repositoryId: tag.repositoryId, digest: layer.digest },
      });
      if (link === 0) missing.push(`link of ${where}`);
      if ((await world.prisma.blob.count({ where: { digest: layer.digest } })) === 0)
        missing.push(`row of ${where}`);
      const hex = layer.digest.split(':')[1]!;
      const stored = await world.blobs.stat(`registry/blobs/sha256/${hex.slice(0, 2)}/${hex}`);
      if (!stored || BigInt(stored.size) !== layer.size) missing.push(`object of ${where}`);
    }
  }
  return missing;
}

/** Rows and objects nothing references once collection has settled. */
async function leaked(world: GcWorld): Promise<string[]> {
  const found: string[] = [];
  const untagged = await world.prisma.manifest.findMany({
    where: { tags: { none: {} }, parents: { none: {} } },
    select: { digest: true },
  });
  found.push(...untagged.map((manifest) => `untagged manifest ${manifest.digest}`));
  const rows = await world.prisma.blob.findMany({ select: { digest: true } });
  const referenced = new Set(
    (await world.prisma.layer.findMany({ select: { digest: true }, distinct: ['digest'] })).map(
      (l) => l.digest,
    ),
  );
  found.push(...rows.filter((row) => !referenced.has(row.digest)).map((row) => `blob row ${row.digest}`));
  const rowDigests = new Set(rows.map((row) => row.digest));
  for (const digest of await storedDigests(world)) {
    if (!rowDigests.has(digest)) found.push(`stored object ${digest}`);
  }
  const links = await world.prisma.repositoryBlob.findMany();
  for (const link of links) {
    const used = await world.prisma.layer.count({
      where: { digest: link.digest, manifest: { repositoryId: link.repositoryId } },
    });
    if (used === 0) found.push(`link ${link.repositoryId}:${link.digest}`);
  }
  const uploads = await world.prisma.upload.count();
  if (uploads > 0) found.push(`${uploads} uploads`);
  return found;
}

describeWithComponents(['postgres'], 'GC soak: pushes, tag deletes and two GC replicas at once', () => {
  let world: GcWorld;

  beforeAll(async () => {
    world = await openPostgresFilesystemWorld(REVIEW_DELAY_MS);
    await world.startWorker();
    await world.startWorker();
  }, 120_000);
  afterAll(() => world?.close(), 120_000);

  it('when it ends, then no tag misses anything, and after a final collection nothing is leaked', async () => {
    const repositories = await Promise.all(
      ['one', 'two', 'three'].map((name) => ensureRepository(world.prisma, `soak/app/${name}`, 1)),
    );
    const counts: SoakCounts = { pushes: 0, refusedPushes: 0, tagDeletes: 0 };
    const started = Date.now();
    const over = () =>
      Date.now() - started >= PUSHING_LIMIT_MS ||
      (Date.now() - started >= PUSHING_MS &&
        counts.pushes >= MIN_PUSHES &&
        counts.tagDeletes >= MIN_TAG_DELETES);
    await Promise.all([
      ...Array.from({ length: PUSHERS }, () => pushLoop(world, repositories, over, counts)),
      ...Array.from({ length: DELETERS }, () => deleteLoop(world, repositories, over, counts)),
    ]);

    expect(counts.pushes).toBeGreaterThanOrEqual(MIN_PUSHES);
    expect(counts.tagDeletes).toBeGreaterThanOrEqual(MIN_TAG_DELETES);
    expect(await missingForTags(world)).toEqual([]);

    await waitFor(
      'the final collection',
      async () =>
        (await world.prisma.gcManifestReview.count()) +
          (await world.prisma.gcBlobReview.count()) +
          (await world.prisma.gcStorageDeletion.count()) ===
        0,
      15_000,
    );
    expect(await missingForTags(world)).toEqual([]);
    expect(await leaked(world)).toEqual([]);
    // Collection really happened: each push made a new manifest, and at most one per tag is left.
    expect(await world.prisma.manifest.count()).toBeLessThanOrEqual(TAGS.length * repositories.length);
  }, 180_000);
});
