import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createBlobStore, createS3BlobStore, type ManagedBlobStore } from '@stowage/blob-store';
import { createBus } from '@stowage/bus';
import { createPrismaClient, migrate, openDatabase, type Database } from '@stowage/db';
import type { RunningService } from '@stowage/http';
import { createSilentLogger } from '@stowage/logging';
import {
  blobKey,
  createUpload,
  MEDIA_TYPES,
  parseDigest,
  PrismaClient,
  REGISTRY_MIGRATIONS_DIR,
  REGISTRY_SCHEMA,
  saveManifest,
  setGcReviewDelay,
  type Manifest,
  type Repository,
} from '@stowage/registry-data';
import { POSTGRES_URL, startS3Server, uniqueName } from '@stowage/testing';
import { openRegistryDb } from '../../../../libs/registry-data/test/support/registry-db';
import { createTestDatabase } from '../../../../test/e2e/support/postgres-database';
import { BlobUploads } from '../../../registry/src/uploads/blob-uploads';
import { UploadHashCache } from '../../../registry/src/uploads/hash-cache';
import { startCleanupWorker } from '../../src/service';

/** The review delay of these tests: a real wait, longer than a push takes on PGlite beside a GC loop. */
export const GC_TEST_DELAY_MS = 3000;

/**
 * A registry's data and storage with cleanup-workers running garbage collection on them, and the
 * registry's own upload code to push real bytes: storage written first, then the rows.
 */
export interface RunningWorker {
  service: RunningService;
  /** Stops the replica and closes what it opened; safe to call twice. */
  stop(): Promise<void>;
}

export interface GcWorld {
  name: string;
  prisma: PrismaClient;
  blobs: ManagedBlobStore;
  uploads: BlobUploads;
  /** Bytes per stored part of `uploads`. */
  partSize: number;
  /** Starts a worker replica (its own database client and pool where the database has pools). */
  startWorker(options?: { blobs?: ManagedBlobStore }): Promise<RunningWorker>;
  close(): Promise<void>;
}

interface WorldParts {
  name: string;
  db: Database;
  /** A separate database handle per worker (PostgreSQL: its own pool), else the shared one. */
  openWorkerDb(): Promise<{ db: Database; close(): Promise<void> }>;
  blobs: ManagedBlobStore;
  dispose(): Promise<void>;
}

async function assemble(parts: WorldParts, reviewDelayMs = GC_TEST_DELAY_MS): Promise<GcWorld> {
  const prisma = createPrismaClient(PrismaClient, parts.db);
  await setGcReviewDelay(prisma, reviewDelayMs);
  const workers: RunningWorker[] = [];
  const partSize = Math.max(parts.blobs.minPartSize, 4096);
  return {
    name: parts.name,
    prisma,
    blobs: parts.blobs,
    partSize,
    uploads: new BlobUploads({ prisma, blobs: parts.blobs, hashes: new UploadHashCache(), partSize }),
    async startWorker(options = {}) {
      const workerDb = await parts.openWorkerDb();
      const bus = createBus();
      const service = await startCleanupWorker({
        config: { host: '127.0.0.1', port: 0, concurrency: 1, gcIdleIntervalMs: 250 },
        logger: createSilentLogger(),
        infra: { db: workerDb.db, bus, blobs: options.blobs ?? parts.blobs },
        gcBatchSize: 20,
        collectProcessMetrics: false,
      });
      let stopped: Promise<void> | undefined;
      const worker: RunningWorker = {
        service,
        stop() {
          stopped ??= (async () => {
            await service.stop();
            await bus.close();
            await workerDb.close();
          })();
          return stopped;
        },
      };
      workers.push(worker);
      return worker;
    },
    async close() {
      for (const worker of workers) await worker.stop();
      await prisma.$disconnect();
      await parts.dispose();
    },
  };
}

/** Standalone's adapters: PGlite and blobs in a folder. */
export async function openFilesystemWorld(): Promise<GcWorld> {
  const registry = await openRegistryDb();
  const dir = mkdtempSync(join(tmpdir(), 'stowage-gc-blobs-'));
  const blobs = createBlobStore({ directory: dir });
  await blobs.initialize();
  return assemble({
    name: 'PGlite and the filesystem',
    db: registry.db,
    openWorkerDb: async () => ({ db: registry.db, close: async () => undefined }),
    blobs,
    async dispose() {
      await blobs.close();
      await registry.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** Distributed mode's adapters: PostgreSQL and an S3 server (s3rver, its own process). */
export async function openS3World(): Promise<GcWorld> {
  const database = await createTestDatabase(POSTGRES_URL, 'gc');
  await migrate(database.db, { schema: REGISTRY_SCHEMA, migrationsDir: REGISTRY_MIGRATIONS_DIR });
  const server = await startS3Server();
  const blobs = createS3BlobStore({
    endpoint: server.endpoint,
    region: server.region,
    bucket: server.bucket,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    forcePathStyle: true,
    keyPrefix: uniqueName('gc'),
  });
  return assemble({
    name: 'PostgreSQL and S3',
    db: database.db,
    openWorkerDb: workerConnectionsTo(database.url),
    blobs,
    async dispose() {
      await blobs.close();
      await server.stop();
      await database.drop();
    },
  });
}

/** A worker's own connections to the test database, as a replica in another process has. */
function workerConnectionsTo(url: string) {
  return async () => {
    const db = await openDatabase({ url, maxConnections: 3 });
    return { db, close: () => db.close() };
  };
}

/** Distributed mode's database with blobs in a folder (what the soak test uses: fast storage). */
export async function openPostgresFilesystemWorld(reviewDelayMs: number): Promise<GcWorld> {
  const database = await createTestDatabase(POSTGRES_URL, 'gcsoak');
  await migrate(database.db, { schema: REGISTRY_SCHEMA, migrationsDir: REGISTRY_MIGRATIONS_DIR });
  const dir = mkdtempSync(join(tmpdir(), 'stowage-gc-blobs-'));
  const blobs = createBlobStore({ directory: dir });
  await blobs.initialize();
  return assemble(
    {
      name: 'PostgreSQL and the filesystem',
      db: database.db,
      openWorkerDb: workerConnectionsTo(database.url),
      blobs,
      async dispose() {
        await blobs.close();
        await database.drop();
        rmSync(dir, { recursive: true, force: true });
      },
    },
    reviewDelayMs,
  );
}

export interface StoredBlob {
  digest: string;
  size: number;
}

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Uploads `data` to the repository as a client does (POST, then PUT with the digest). */
export async function pushBlob(world: GcWorld, repository: Repository, data: Buffer): Promise<StoredBlob> {
  const digest = sha256(data);
  const upload = await createUpload(world.prisma, repository.id);
  await world.uploads.finish(upload, Readable.from([data]), parseDigest(digest)!);
  return { digest, size: data.length };
}

export interface RealImage {
  manifest: Manifest;
  config: StoredBlob;
  layers: StoredBlob[];
}

/** Uploads a config and layers with real bytes and pushes an OCI manifest of them by tag. */
export async function pushRealImage(
  world: GcWorld,
  repository: Repository,
  tag: string,
  layerContents: Buffer[],
): Promise<RealImage> {
  const config = await pushBlob(
    world,
    repository,
    Buffer.from(JSON.stringify({ tag, at: process.hrtime.bigint().toString() })),
  );
  const layers: StoredBlob[] = [];
  for (const content of layerContents) layers.push(await pushBlob(world, repository, content));
  const payload = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: layers.map((layer) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer })),
    }),
  );
  const manifest = await saveManifest(
    world.prisma,
    repository,
    {
      digest: sha256(payload),
      mediaType: MEDIA_TYPES.ociManifest,
      payload,
      artifactType: 'application/vnd.oci.image.config.v1+json',
      subjectDigest: null,
      configDigest: config.digest,
      annotations: null,
      blobs: [
        { ...config, mediaType: 'application/vnd.oci.image.config.v1+json' },
        ...layers.map((layer) => ({ ...layer, mediaType: 'application/vnd.oci.image.layer.v1.tar' })),
      ],
      childDigests: [],
    },
    tag,
  );
  return { manifest, config, layers };
}

/** Whether storage holds the blob's object. */
export async function objectStored(world: GcWorld, digest: string): Promise<boolean> {
  return (await world.blobs.stat(blobKey(digest))) !== null;
}

export async function blobRowExists(world: GcWorld, digest: string): Promise<boolean> {
  return (await world.prisma.blob.count({ where: { digest } })) === 1;
}

/** Every blob object in storage, by digest. */
export async function storedDigests(world: GcWorld): Promise<Set<string>> {
  const digests = new Set<string>();
  for await (const object of world.blobs.list('registry/blobs/')) {
    const [, , algorithm, , hex] = object.key.split('/');
    digests.add(`${algorithm}:${hex}`);
  }
  return digests;
}
