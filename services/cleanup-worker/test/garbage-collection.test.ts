import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ManagedBlobStore } from '@stowage/blob-store';
import {
  blobKey,
  createUpload,
  deleteCollectedObjects,
  deleteTag,
  ensureRepository,
  gcBacklog,
  reviewDueBlobs,
  reviewDueManifests,
  uploadDataKey,
  type Repository,
} from '@stowage/registry-data';
import { describeWithComponents, sleep, waitFor } from '@stowage/testing';
import {
  blobRowExists,
  GC_TEST_DELAY_MS,
  objectStored,
  openFilesystemWorld,
  openS3World,
  pushBlob,
  pushRealImage,
  type GcWorld,
  type RunningWorker,
} from './support/gc-world';

const SETUP_TIMEOUT_MS = 120_000;
const GC_TIMEOUT_MS = 20_000;

/** Until the GC loop has nothing left: no review due or pending, no object waiting for deletion. */
async function untilCollected(world: GcWorld): Promise<void> {
  await waitFor(
    'garbage collection to settle',
    async () => {
      const [manifests, blobs, objects] = await Promise.all([
        world.prisma.gcManifestReview.count(),
        world.prisma.gcBlobReview.count(),
        world.prisma.gcStorageDeletion.count(),
      ]);
      return manifests + blobs + objects === 0;
    },
    GC_TIMEOUT_MS,
  );
}

/** A store whose deletes fail until `healed` (storage refusing writes for a while). */
function failingDeletes(store: ManagedBlobStore, state: { healed: boolean }): ManagedBlobStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'delete' && !state.healed) {
        return async () => {
          throw new Error('storage is refusing deletes');
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function gcSuite(open: () => Promise<GcWorld>): void {
  let world: GcWorld;
  let counter = 0;
  const repository = (): Promise<Repository> => ensureRepository(world.prisma, `group/gc/app${++counter}`, 5);
  const layer = (size = 2048) => randomBytes(size);

  beforeAll(async () => {
    world = await open();
  }, SETUP_TIMEOUT_MS);
  afterAll(() => world?.close(), SETUP_TIMEOUT_MS);

  describe('with a worker collecting', () => {
    let worker: RunningWorker;
    beforeAll(async () => {
      worker = await world.startWorker();
    }, SETUP_TIMEOUT_MS);
    afterAll(() => worker?.stop(), SETUP_TIMEOUT_MS);

    it('when tags are deleted and the delay passes, then their manifests and blobs are gone from the database and storage; a layer a tagged image shares stays', async () => {
      const repo = await repository();
      const shared = layer();
      const doomed = await pushRealImage(world, repo, 'v1', [shared, layer()]);
      const alsoDoomed = await pushRealImage(world, repo, 'v2', [layer()]);
      const kept = await pushRealImage(world, repo, 'v3', [shared]);
      await deleteTag(world.prisma, repo, 'v1');
      await deleteTag(world.prisma, repo, 'v2');

      await untilCollected(world);

      for (const image of [doomed, alsoDoomed]) {
        expect(await world.prisma.manifest.count({ where: { id: image.manifest.id } })).toBe(0);
        for (const blob of [
          image.config,
          ...image.layers.filter((l) => l.digest !== kept.layers[0]!.digest),
        ]) {
          expect(await blobRowExists(world, blob.digest)).toBe(false);
          expect(await objectStored(world, blob.digest)).toBe(false);
        }
      }
      for (const blob of [kept.config, ...kept.layers]) {
        expect(await blobRowExists(world, blob.digest)).toBe(true);
        expect(await objectStored(world, blob.digest)).toBe(true);
      }
      expect(await world.prisma.repositoryBlob.count({ where: { repositoryId: repo.id } })).toBe(2);
    }, 60_000);

    it('when it has collected, then its metrics say how much, and the backlog', async () => {
      const metrics = await (await fetch(`${worker.service.http.url}/metrics`)).text();
      const value = (series: string) =>
        Number(new RegExp(`^${series}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics)?.[1]);
      expect(value('stowage_gc_manifests_deleted_total')).toBeGreaterThanOrEqual(2);
      expect(value('stowage_gc_blobs_deleted_total')).toBeGreaterThanOrEqual(4);
      expect(value('stowage_gc_bytes_reclaimed_total')).toBeGreaterThan(4096);
      expect(metrics).toMatch(
        /^stowage_gc_reviews_total\{kind="blob",outcome="done",service="cleanup-worker"\} \d+/m,
      );
      expect(metrics).toMatch(/^stowage_gc_review_backlog\{kind="manifest",service="cleanup-worker"\} \d+$/m);
      expect(metrics).toMatch(
        /^stowage_gc_oldest_due_review_age_seconds\{service="cleanup-worker"\} [\d.e-]+$/m,
      );
      expect(metrics).toMatch(
        /^stowage_gc_storage_deletions_total\{outcome="deleted",service="cleanup-worker"\} \d+/m,
      );
    });

    it('when a push references the blob again during the delay, then it survives, in the database and storage', async () => {
      const repo = await repository();
      const reused = layer();
      const first = await pushRealImage(world, repo, 'v1', [reused]);
      await deleteTag(world.prisma, repo, 'v1');
      await sleep(GC_TEST_DELAY_MS / 2);
      // The client uploads the same layer again (it exists: the upload stores nothing new).
      const second = await pushRealImage(world, repo, 'v2', [reused]);

      await untilCollected(world);

      expect(await world.prisma.manifest.count({ where: { id: first.manifest.id } })).toBe(0);
      expect(await objectStored(world, first.config.digest)).toBe(false);
      expect(await blobRowExists(world, second.layers[0]!.digest)).toBe(true);
      expect(await objectStored(world, second.layers[0]!.digest)).toBe(true);
    }, 60_000);

    it('when an upload is left untouched past the purge age, then it goes with its parts and tail', async () => {
      const repo = await repository();
      const upload = await createUpload(world.prisma, repo.id);
      // One full part (a multipart upload) and a tail.
      const { upload: progressed } = await world.uploads.append(
        upload,
        Readable.from([randomBytes(world.partSize + 100)]),
      );
      expect(progressed.multipartUploadId).not.toBeNull();
      expect(progressed.tailKey).not.toBeNull();
      const fresh = await createUpload(world.prisma, repo.id);
      await world.prisma.upload.update({
        where: { id: upload.id },
        data: { updatedAt: new Date(Date.now() - 8 * 24 * 3600_000) },
      });

      await waitFor(
        'the abandoned upload to be purged',
        async () => (await world.prisma.upload.count({ where: { id: upload.id } })) === 0,
        GC_TIMEOUT_MS,
      );
      expect(await world.blobs.stat(progressed.tailKey!)).toBeNull();
      await expect(world.blobs.stat(uploadDataKey(upload.id))).resolves.toBeNull();
      // The part went with its multipart upload: it cannot be completed any more.
      await expect(
        world.blobs.completeMultipartUpload(
          uploadDataKey(upload.id),
          progressed.multipartUploadId!,
          progressed.parts,
        ),
      ).rejects.toThrow();
      expect(await world.prisma.upload.count({ where: { id: fresh.id } })).toBe(1);
    }, 60_000);
  });

  describe('step by step (no loop running)', () => {
    it('when the same digest is uploaded again between the row delete and the storage delete, then the object stays', async () => {
      const repo = await repository();
      const content = layer();
      const blob = await pushBlob(world, repo, content);
      await world.prisma.repositoryBlob.updateMany({
        where: { digest: blob.digest },
        data: { createdAt: new Date(Date.now() - 2 * GC_TEST_DELAY_MS) },
      });
      await world.prisma.gcBlobReview.update({
        where: { digest: blob.digest },
        data: { reviewAfter: new Date(0) },
      });
      await reviewDueBlobs(world.prisma, { batchSize: 50 });
      expect(await blobRowExists(world, blob.digest)).toBe(false);
      expect(await world.prisma.gcStorageDeletion.count({ where: { digest: blob.digest } })).toBe(1);

      // The push: storage first, then the row; it cancels the pending deletion.
      await pushBlob(world, repo, content);
      const outcome = await deleteCollectedObjects(world.prisma, world.blobs, { batchSize: 50 });

      expect(outcome.deleted).toBe(0);
      expect(await blobRowExists(world, blob.digest)).toBe(true);
      expect(await objectStored(world, blob.digest)).toBe(true);
    }, 30_000);

    it('when an upload is committing the digest, then a pending storage deletion of it is cancelled', async () => {
      const repo = await repository();
      const blob = await pushBlob(world, repo, layer());
      await world.prisma.$transaction([
        world.prisma.repositoryBlob.deleteMany({ where: { digest: blob.digest } }),
        world.prisma.blob.delete({ where: { digest: blob.digest } }),
        world.prisma.gcStorageDeletion.create({ data: { digest: blob.digest } }),
      ]);
      const committing = await createUpload(world.prisma, repo.id);
      await world.prisma.upload.update({
        where: { id: committing.id },
        data: { committingDigest: blob.digest },
      });

      const outcome = await deleteCollectedObjects(world.prisma, world.blobs, { batchSize: 50 });

      expect(outcome).toMatchObject({ deleted: 0, cancelled: 1 });
      expect(await objectStored(world, blob.digest)).toBe(true);
    }, 30_000);

    it('when storage refuses a delete, then the deletion is kept and retried until the object is gone', async () => {
      const repo = await repository();
      const blob = await pushBlob(world, repo, layer());
      await world.prisma.$transaction([
        world.prisma.repositoryBlob.deleteMany({ where: { digest: blob.digest } }),
        world.prisma.blob.delete({ where: { digest: blob.digest } }),
        world.prisma.gcBlobReview.deleteMany({ where: { digest: blob.digest } }),
        world.prisma.gcStorageDeletion.create({ data: { digest: blob.digest } }),
      ]);
      const state = { healed: false };

      const failed = await deleteCollectedObjects(world.prisma, failingDeletes(world.blobs, state), {
        batchSize: 50,
      });
      expect(failed.failed).toBe(1);
      const pending = await world.prisma.gcStorageDeletion.findUniqueOrThrow({
        where: { digest: blob.digest },
      });
      expect(pending.attempts).toBe(1);
      expect(pending.lastError).toMatch(/refusing deletes/);
      expect(pending.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
      expect(await objectStored(world, blob.digest)).toBe(true);

      state.healed = true;
      await world.prisma.gcStorageDeletion.update({
        where: { digest: blob.digest },
        data: { nextAttemptAt: new Date(0) },
      });
      const retried = await deleteCollectedObjects(world.prisma, failingDeletes(world.blobs, state), {
        batchSize: 50,
      });
      expect(retried.deleted).toBe(1);
      expect(await objectStored(world, blob.digest)).toBe(false);
      expect(await world.prisma.gcStorageDeletion.count({ where: { digest: blob.digest } })).toBe(0);
    }, 30_000);

    it('when a review transaction fails half-way, then nothing of it is kept and the reviews stay due', async () => {
      const repo = await repository();
      const image = await pushRealImage(world, repo, 'v1', [layer()]);
      await deleteTag(world.prisma, repo, 'v1');
      await world.prisma.gcManifestReview.updateMany({ data: { reviewAfter: new Date(0) } });
      const broken = new Proxy(world.prisma, {
        get(target, property) {
          if (property !== '$transaction') return Reflect.get(target, property, target);
          return (run: (tx: unknown) => Promise<unknown>) =>
            target.$transaction(async (tx) => {
              await run(tx);
              throw new Error('the worker was killed before COMMIT');
            });
        },
      });
      await expect(reviewDueManifests(broken, { batchSize: 50 })).rejects.toThrow('killed');
      expect(await world.prisma.manifest.count({ where: { id: image.manifest.id } })).toBe(1);
      expect((await gcBacklog(world.prisma)).dueManifestReviews).toBeGreaterThanOrEqual(1);

      await reviewDueManifests(world.prisma, { batchSize: 50 });
      expect(await world.prisma.manifest.count({ where: { id: image.manifest.id } })).toBe(0);
    }, 30_000);
  });

  describe('when storage deletes fail in a running worker', () => {
    it('then the loop keeps the deletion and finishes it once storage is back', async () => {
      const state = { healed: false };
      const worker = await world.startWorker({ blobs: failingDeletes(world.blobs, state) });
      try {
        const repo = await repository();
        const image = await pushRealImage(world, repo, 'v1', [layer()]);
        await deleteTag(world.prisma, repo, 'v1');
        await waitFor(
          'a storage delete to fail',
          async () => (await world.prisma.gcStorageDeletion.count({ where: { attempts: { gt: 0 } } })) > 0,
          GC_TIMEOUT_MS,
        );
        expect(await objectStored(world, image.layers[0]!.digest)).toBe(true);

        state.healed = true;
        // Rather than wait out the backoff.
        await world.prisma.gcStorageDeletion.updateMany({ data: { nextAttemptAt: new Date(0) } });
        await untilCollected(world);
        expect(await objectStored(world, image.layers[0]!.digest)).toBe(false);
        expect(await world.blobs.stat(blobKey(image.config.digest))).toBeNull();
      } finally {
        await worker.stop();
      }
    }, 60_000);
  });
}

describe('garbage collection on PGlite and the filesystem', () => {
  gcSuite(openFilesystemWorld);
});

describeWithComponents(['postgres'], 'garbage collection on PostgreSQL and S3 (s3rver)', () => {
  gcSuite(openS3World);
});
