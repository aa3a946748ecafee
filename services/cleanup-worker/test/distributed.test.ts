import { createBlobStore, type ManagedBlobStore } from '@stowage/blob-store';
import { createBus, type Bus } from '@stowage/bus';
import { createPrismaClient, migrate } from '@stowage/db';
import type { RunningService } from '@stowage/http';
import { createSilentLogger } from '@stowage/logging';
import {
  BULK_TAG_DELETE_QUEUE,
  PrismaClient,
  REGISTRY_MIGRATIONS_DIR,
  REGISTRY_SCHEMA,
  REPOSITORY_DELETE_QUEUE,
} from '@stowage/registry-data';
import {
  AMQP_URL,
  deleteEverythingWithPrefix,
  describeWithComponents,
  POSTGRES_URL,
  uniqueName,
  waitFor,
} from '@stowage/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../../test/e2e/support/postgres-database';
import {
  createRepository,
  outboxPayloads,
  pushImage,
  tagNames,
} from '../../../libs/registry-data/test/support/registry-fixtures';
import { startCleanupWorker } from '../src/service';

describeWithComponents(['postgres', 'rabbitmq'], 'cleanup-worker on PostgreSQL and RabbitMQ', () => {
  const prefix = uniqueName('worker');
  let database: TestDatabase;
  let prisma: PrismaClient;
  let bus: Bus;
  let blobs: ManagedBlobStore;
  let worker: RunningService;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase(POSTGRES_URL, 'worker');
    // The registry service migrates; the worker never does.
    await migrate(database.db, { schema: REGISTRY_SCHEMA, migrationsDir: REGISTRY_MIGRATIONS_DIR });
    prisma = createPrismaClient(PrismaClient, database.db);
    dir = mkdtempSync(join(tmpdir(), 'stowage-worker-blobs-'));
    blobs = createBlobStore({ directory: dir });
    await blobs.initialize();
    bus = createBus({ amqpUrl: AMQP_URL, prefix, connectionName: prefix });
    worker = await startCleanupWorker({
      config: { host: '127.0.0.1', port: 0, concurrency: 2 },
      logger: createSilentLogger(),
      infra: { db: database.db, bus, blobs },
      batchSize: 2,
      collectProcessMetrics: false,
    });
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await bus?.close();
    await blobs?.close();
    await prisma?.$disconnect();
    await database?.drop();
    await deleteEverythingWithPrefix(AMQP_URL, prefix);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('when both jobs are queued on RabbitMQ, then a replica runs them against PostgreSQL', async () => {
    const doomed = await createRepository(prisma, 'group/app/doomed', 11);
    const pruned = await createRepository(prisma, 'group/app/pruned', 11);
    for (const tag of ['v1', 'v2', 'v3']) await pushImage(prisma, doomed, tag);
    for (const tag of ['latest', 'v1', 'v2', 'main']) await pushImage(prisma, pruned, tag);
    await prisma.repository.update({ where: { id: doomed.id }, data: { status: 'delete_scheduled' } });

    await bus.jobs.enqueue(REPOSITORY_DELETE_QUEUE, { repository_id: Number(doomed.id) });
    await bus.jobs.enqueue(BULK_TAG_DELETE_QUEUE, {
      repository_id: Number(pruned.id),
      name_regex_delete: 'v.*',
      name_regex_keep: null,
      keep_n: null,
      older_than: null,
      requested_at: new Date().toISOString(),
    });

    await waitFor(
      'both jobs',
      async () => {
        const gone = !(await prisma.repository.findUnique({ where: { id: doomed.id } }));
        return gone && (await tagNames(prisma, pruned.id)).length === 2;
      },
      30_000,
    );
    expect(await tagNames(prisma, pruned.id)).toEqual(['latest', 'main']);
    expect(await outboxPayloads(prisma, 'container.repository.deleted')).toEqual([
      { repository: 'group/app/doomed', project_id: 11 },
    ]);
    expect((await outboxPayloads(prisma, 'container.tag.deleted')).map((event) => event.tag).sort()).toEqual([
      'v1',
      'v1',
      'v2',
      'v2',
      'v3',
    ]);
    expect(await bus.jobs.deadLetters(REPOSITORY_DELETE_QUEUE)).toEqual([]);
  });
});
