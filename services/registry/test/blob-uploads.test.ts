import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  createBlobStore,
  createS3BlobStore,
  type BlobStore,
  type ManagedBlobStore,
} from '@stowage/blob-store';
import {
  blobKey,
  createUpload,
  ensureRepository,
  findLinkedBlobByPath,
  findUpload,
  parseDigest,
  type ParsedDigest,
  type Repository,
  type UploadRecord,
} from '@stowage/registry-data';
import { startS3Server, uniqueName, type S3Server } from '@stowage/testing';
import { openRegistryDb, type RegistryDbFixture } from '../../../libs/registry-data/test/support/registry-db';
import { BlobUploads, UploadDigestMismatchError } from '../src/uploads/blob-uploads';
import { UploadHashCache } from '../src/uploads/hash-cache';

const MiB = 1024 * 1024;

const digestOf = (data: Buffer): ParsedDigest =>
  parseDigest(`sha256:${createHash('sha256').update(data).digest('hex')}`)!;
const text = (digest: ParsedDigest) => `${digest.algorithm}:${digest.hex}`;

/** Deterministic bytes, so a failure can be reproduced. */
function bytes(size: number, seed: number): Buffer {
  const data = Buffer.alloc(size);
  let state = seed;
  for (let i = 0; i < size; i += 4) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data.writeUInt32LE(state, i - (i + 4 > size ? i + 4 - size : 0));
  }
  return data;
}

function chunks(data: Buffer, chunkSize = 256 * 1024): Readable {
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) pieces.push(data.subarray(i, i + chunkSize));
  return Readable.from(pieces);
}

/** A request body that breaks after `size` bytes, as when a client disconnects mid-upload. */
async function* brokenAfter(data: Buffer, size: number): AsyncGenerator<Buffer> {
  yield* chunks(data.subarray(0, size));
  throw new Error('client went away');
}

/** The digest of what storage holds under `key` (Jest compares megabyte Buffers very slowly). */
async function storedDigest(store: BlobStore, key: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await store.get(key)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

async function keysUnder(store: BlobStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of store.list(prefix)) keys.push(info.key);
  return keys;
}

function uploadsContract(
  name: string,
  openStore: () => Promise<{ store: ManagedBlobStore; dispose(): Promise<void> }>,
) {
  describe(`BlobUploads on ${name}`, () => {
    let fixture: RegistryDbFixture;
    let store: ManagedBlobStore;
    let dispose: () => Promise<void>;
    let repository: Repository;
    let partSize: number;

    /** A fresh instance is what a restarted process (or another replica) has: no running hashes. */
    const newProcess = () =>
      new BlobUploads({ prisma: fixture.prisma, blobs: store, hashes: new UploadHashCache(), partSize });
    const reload = async (upload: UploadRecord) =>
      (await findUpload(fixture.prisma, repository.id, upload.id))!;

    beforeAll(async () => {
      fixture = await openRegistryDb();
      ({ store, dispose } = await openStore());
      partSize = Math.max(store.minPartSize, MiB);
      repository = await ensureRepository(fixture.prisma, uniqueName('group/project'), 7);
    });

    afterAll(async () => {
      await dispose?.();
      await fixture?.close();
    });

    it('joins small chunks, checks the digest, stores the blob by digest and forgets the upload', async () => {
      const data = bytes(300_000, 1);
      const uploads = newProcess();
      let upload = await createUpload(fixture.prisma, repository.id);
      for (let i = 0; i < data.length; i += 100_000) {
        upload = (await uploads.append(upload, chunks(data.subarray(i, i + 100_000)))).upload;
      }
      expect(upload.size).toBe(data.length);
      expect(await uploads.finish(upload, null, digestOf(data))).toBe(data.length);

      expect(await storedDigest(store, blobKey(text(digestOf(data))))).toBe(text(digestOf(data)));
      expect(await findLinkedBlobByPath(fixture.db, repository.path, text(digestOf(data)))).toEqual({
        digest: text(digestOf(data)),
        size: data.length,
      });
      expect(await findUpload(fixture.prisma, repository.id, upload.id)).toBeNull();
      expect(await keysUnder(store, `registry/uploads/${upload.id}/`)).toEqual([]);
    });

    it('writes full parts as they arrive and resumes in a new process from what was recorded', async () => {
      const data = bytes(Math.floor(partSize * 2.5), 2);
      const first = await createUpload(fixture.prisma, repository.id);
      const half = Math.floor(partSize * 1.5);
      await newProcess().append(first, chunks(data.subarray(0, half)));
      const stored = await reload(first);
      expect(stored).toMatchObject({ size: half, tailSize: half - partSize });
      expect(stored.parts).toHaveLength(1);

      const size = await newProcess().finish(stored, chunks(data.subarray(half)), digestOf(data));
      expect(size).toBe(data.length);
      expect(await storedDigest(store, blobKey(text(digestOf(data))))).toBe(text(digestOf(data)));
    });

    it('after a request breaks off, keeps only the full parts it stored, and the client can go on from there', async () => {
      const data = bytes(partSize * 2 + 1000, 3);
      const uploads = newProcess();
      const upload = await createUpload(fixture.prisma, repository.id);
      await expect(uploads.append(upload, brokenAfter(data, partSize + 500))).rejects.toThrow('went away');
      const stored = await reload(upload);
      expect(stored.size).toBe(partSize);

      await uploads.finish(stored, chunks(data.subarray(stored.size)), digestOf(data));
      expect(await storedDigest(store, blobKey(text(digestOf(data))))).toBe(text(digestOf(data)));
    });

    it('refuses content that does not match the digest and keeps nothing of it', async () => {
      const data = bytes(partSize + 10, 4);
      const wrong = digestOf(Buffer.from('something else'));
      const uploads = newProcess();
      const upload = await createUpload(fixture.prisma, repository.id);
      await expect(uploads.finish(upload, chunks(data), wrong)).rejects.toThrow(UploadDigestMismatchError);

      expect(await store.stat(blobKey(text(wrong)))).toBeNull();
      expect(await store.stat(blobKey(text(digestOf(data))))).toBeNull();
      expect(await findLinkedBlobByPath(fixture.db, repository.path, text(wrong))).toBeNull();
      expect(await findUpload(fixture.prisma, repository.id, upload.id)).toBeNull();
      expect(await keysUnder(store, `registry/uploads/${upload.id}/`)).toEqual([]);
    });

    it('stores a blob once: a second upload of the same content only links it', async () => {
      const data = bytes(partSize + 20, 5);
      const other = await ensureRepository(fixture.prisma, uniqueName('group/project/other'), 7);
      const uploads = newProcess();
      await uploads.finish(await createUpload(fixture.prisma, repository.id), chunks(data), digestOf(data));
      const before = await store.stat(blobKey(text(digestOf(data))));
      const second = await createUpload(fixture.prisma, other.id);
      await uploads.finish(second, chunks(data), digestOf(data));

      expect(await store.stat(blobKey(text(digestOf(data))))).toEqual(before);
      expect(await findLinkedBlobByPath(fixture.db, other.path, text(digestOf(data)))).not.toBeNull();
      expect(await keysUnder(store, `registry/uploads/${second.id}/`)).toEqual([]);
    });

    it('cancel discards parts, tail and record', async () => {
      const uploads = newProcess();
      const upload = await createUpload(fixture.prisma, repository.id);
      const { upload: appended } = await uploads.append(upload, chunks(bytes(partSize + 7, 6)));
      await uploads.cancel(appended);
      expect(await findUpload(fixture.prisma, repository.id, upload.id)).toBeNull();
      expect(await keysUnder(store, `registry/uploads/${upload.id}/`)).toEqual([]);
    });

    it('an empty upload is the empty blob', async () => {
      const empty = Buffer.alloc(0);
      await newProcess().finish(await createUpload(fixture.prisma, repository.id), null, digestOf(empty));
      expect((await store.stat(blobKey(text(digestOf(empty)))))?.size).toBe(0);
    });
  });
}

uploadsContract('the filesystem', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stowage-uploads-'));
  const store = createBlobStore({ directory: dir });
  await store.initialize();
  return {
    store,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('on S3', () => {
  let server: S3Server;
  beforeAll(async () => {
    server = await startS3Server();
  });
  afterAll(async () => {
    await server?.stop();
  });
  uploadsContract('s3rver', async () => {
    const store = createS3BlobStore({
      endpoint: server.endpoint,
      region: server.region,
      bucket: server.bucket,
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
      forcePathStyle: true,
      keyPrefix: uniqueName('uploads'),
    });
    return { store, dispose: () => store.close() };
  });
});
