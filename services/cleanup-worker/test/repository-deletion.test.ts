import { waitFor } from '@stowage/testing';
import {
  createUpload,
  REPOSITORY_DELETE_QUEUE,
  saveUploadProgress,
  uploadTailKey,
  type PrismaClient,
  type Repository,
} from '@stowage/registry-data';
import {
  createRepository,
  outboxPayloads,
  pushImage,
  tagNames,
} from '../../../libs/registry-data/test/support/registry-fixtures';
import { MAX_JOB_ATTEMPTS } from '../src/jobs/job-handlers';
import { recordingDeletes, type DeleteBatch } from './support/recording-client';
import { openWorkerWorld, WORLD_TIMEOUT_MS, type WorkerWorld } from './support/worker-world';

/** A client that fails every call to one model, as a database outage mid-deletion would. */
function failingOn(prisma: PrismaClient, model: 'tag' | 'manifest'): PrismaClient {
  return new Proxy(prisma, {
    get(target, property) {
      if (property === model) throw new Error(`${model} table unavailable`);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('registry.repository.delete', () => {
  let world: WorkerWorld;
  let counter = 0;
  let prisma: PrismaClient;

  /** A repository of project 7 with `tags` tags, scheduled for deletion as the API leaves it. */
  const scheduledRepository = async (tags: number): Promise<Repository> => {
    const repository = await createRepository(prisma, `group/app/image${++counter}`, 7);
    for (let index = 1; index <= tags; index++) await pushImage(prisma, repository, `v${index}`);
    return prisma.repository.update({ where: { id: repository.id }, data: { status: 'delete_scheduled' } });
  };
  const eventsFor = async (type: string, repository: Repository) =>
    (await outboxPayloads(prisma, type)).filter((payload) => payload.repository === repository.path);

  beforeAll(async () => {
    world = await openWorkerWorld();
    prisma = world.registry.prisma;
  }, WORLD_TIMEOUT_MS);

  afterAll(() => world?.close(), WORLD_TIMEOUT_MS);

  it('when the job arrives through the queue, then the repository and all it holds are deleted in batches, with events', async () => {
    const repository = await scheduledRepository(5);
    const other = await createRepository(prisma, `group/app/other${++counter}`, 7);
    const shared = await pushImage(prisma, other, 'kept');
    // The repository also links a blob the other one uses, and has an upload in progress.
    await pushImage(prisma, repository, 'shared', { sharedLayers: shared.layers });
    const upload = await createUpload(prisma, repository.id);
    const tailKey = uploadTailKey(upload.id, 3);
    await world.blobs.put(tailKey, Buffer.from('abc'));
    await saveUploadProgress(prisma, upload.id, 0, {
      size: 3,
      multipartUploadId: null,
      parts: [],
      tailKey,
      tailSize: 3,
    });
    const digests = (await prisma.repositoryBlob.findMany({ where: { repositoryId: repository.id } })).map(
      (link) => link.digest,
    );
    const tagsBefore = await prisma.tag.findMany({
      where: { repositoryId: repository.id },
      include: { manifest: true },
    });

    await world.bus.jobs.enqueue(REPOSITORY_DELETE_QUEUE, { repository_id: Number(repository.id) });
    await waitFor(
      'the repository to be gone',
      async () => !(await prisma.repository.findUnique({ where: { id: repository.id } })),
      30_000,
    );

    expect(await prisma.tag.count({ where: { repositoryId: repository.id } })).toBe(0);
    expect(await prisma.manifest.count({ where: { repositoryId: repository.id } })).toBe(0);
    expect(await prisma.repositoryBlob.count({ where: { repositoryId: repository.id } })).toBe(0);
    expect(await prisma.upload.count({ where: { repositoryId: repository.id } })).toBe(0);
    expect(await world.blobs.stat(tailKey)).toBeNull();
    const reviewed = await prisma.gcBlobReview.findMany({ where: { digest: { in: digests } } });
    expect(reviewed.map((review) => review.digest).sort()).toEqual([...digests].sort());
    expect(new Set(reviewed.map((review) => review.event))).toEqual(new Set(['repository_delete']));
    expect(await eventsFor('container.tag.deleted', repository)).toEqual(
      tagsBefore.map((tag) => ({
        repository: repository.path,
        project_id: 7,
        tag: tag.name,
        digest: tag.manifest.digest,
      })),
    );
    expect(await eventsFor('container.repository.deleted', repository)).toEqual([
      { repository: repository.path, project_id: 7 },
    ]);
    // The other repository keeps its tag and its links.
    expect(await tagNames(prisma, other.id)).toEqual(['kept']);
    expect(await prisma.repositoryBlob.count({ where: { repositoryId: other.id } })).toBeGreaterThan(0);
  });

  it('when the job is delivered twice, then the second delivery finds nothing left and records nothing', async () => {
    const repository = await scheduledRepository(3);
    const payload = { repository_id: Number(repository.id) };
    await world.deliver(REPOSITORY_DELETE_QUEUE, payload);
    await world.deliver(REPOSITORY_DELETE_QUEUE, payload);
    expect(await eventsFor('container.tag.deleted', repository)).toHaveLength(3);
    expect(await eventsFor('container.repository.deleted', repository)).toHaveLength(1);
  });

  it('when a repository holds more rows than a batch, then no transaction deletes more than a batch', async () => {
    const repository = await scheduledRepository(5);
    const batches: DeleteBatch[] = [];
    await world.deliver(
      REPOSITORY_DELETE_QUEUE,
      { repository_id: Number(repository.id) },
      { registry: recordingDeletes(prisma, batches) },
    );
    const of = (model: string) =>
      batches.filter((batch) => batch.model === model).map((batch) => batch.count);
    expect(of('tag')).toEqual([2, 2, 1]);
    expect(of('manifest')).toEqual([2, 2, 1]);
    // A config and a layer per image.
    expect(of('repositoryBlob')).toEqual([2, 2, 2, 2, 2]);
    expect(of('repository')).toEqual([1]);
  });

  it('when a push that began earlier lands during the deletion, then what it added goes too, with its event', async () => {
    const repository = await scheduledRepository(1);
    let landed = false;
    // The first time the worker looks for uploads (its last step), an in-flight push lands a tag.
    const racing = new Proxy(prisma, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (property !== 'upload' || landed) return typeof value === 'function' ? value.bind(target) : value;
        landed = true;
        return {
          findMany: async (args: Parameters<PrismaClient['upload']['findMany']>[0]) => {
            await pushImage(target, repository, 'late');
            return target.upload.findMany(args);
          },
        };
      },
    });
    await world.deliver(
      REPOSITORY_DELETE_QUEUE,
      { repository_id: Number(repository.id) },
      { registry: racing },
    );
    expect(landed).toBe(true);
    expect(await prisma.repository.findUnique({ where: { id: repository.id } })).toBeNull();
    expect((await eventsFor('container.tag.deleted', repository)).map((event) => event.tag)).toEqual([
      'v1',
      'late',
    ]);
  });

  it('when a run stops half-way, then the next delivery finishes it without repeating what was done', async () => {
    const repository = await scheduledRepository(3);
    const payload = { repository_id: Number(repository.id) };
    // Tags go first; this time the manifests cannot be deleted.
    await expect(
      world.deliver(REPOSITORY_DELETE_QUEUE, payload, { registry: failingOn(prisma, 'manifest') }),
    ).rejects.toThrow('manifest table unavailable');
    const halfway = await prisma.repository.findUniqueOrThrow({ where: { id: repository.id } });
    expect(halfway.status).toBe('delete_ongoing');
    expect(await prisma.tag.count({ where: { repositoryId: repository.id } })).toBe(0);
    expect(await prisma.manifest.count({ where: { repositoryId: repository.id } })).toBe(3);

    await world.deliver(REPOSITORY_DELETE_QUEUE, payload, { attempt: 2 });
    expect(await prisma.repository.findUnique({ where: { id: repository.id } })).toBeNull();
    expect(await prisma.manifest.count({ where: { repositoryId: repository.id } })).toBe(0);
    expect(await eventsFor('container.tag.deleted', repository)).toHaveLength(3);
    expect(await eventsFor('container.repository.deleted', repository)).toHaveLength(1);
  });

  it('when the last attempt fails, then the repository is delete_failed; earlier failures leave it ongoing', async () => {
    const repository = await scheduledRepository(1);
    const payload = { repository_id: Number(repository.id) };
    const broken = failingOn(prisma, 'tag');
    await expect(world.deliver(REPOSITORY_DELETE_QUEUE, payload, { registry: broken })).rejects.toThrow();
    expect((await prisma.repository.findUniqueOrThrow({ where: { id: repository.id } })).status).toBe(
      'delete_ongoing',
    );
    await expect(
      world.deliver(REPOSITORY_DELETE_QUEUE, payload, { registry: broken, attempt: MAX_JOB_ATTEMPTS }),
    ).rejects.toThrow();
    expect((await prisma.repository.findUniqueOrThrow({ where: { id: repository.id } })).status).toBe(
      'delete_failed',
    );
    expect(await tagNames(prisma, repository.id)).toEqual(['v1']);
  });

  it('when the repository is in use (its scheduling was undone), then the job deletes nothing', async () => {
    const repository = await createRepository(prisma, `group/app/inuse${++counter}`, 7);
    await pushImage(prisma, repository, 'v1');
    await world.deliver(REPOSITORY_DELETE_QUEUE, { repository_id: Number(repository.id) });
    expect((await prisma.repository.findUniqueOrThrow({ where: { id: repository.id } })).status).toBeNull();
    expect(await tagNames(prisma, repository.id)).toEqual(['v1']);
  });

  it('when the payload is malformed, then the job fails without touching anything', async () => {
    await expect(world.deliver(REPOSITORY_DELETE_QUEUE, { repository_id: 'seven' })).rejects.toThrow(
      'malformed registry.repository.delete job: repository_id',
    );
  });
});
