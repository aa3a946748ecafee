import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import {
  FilesystemBlobStore,
  InvalidBlobKeyError,
  InvalidUploadPartError,
  createBlobStore,
} from '@stowage/blob-store';
import { blobStoreContract } from './blob-store-contract';
import { chunkedStream, collect, failingStream, readAll } from './blob-store-helpers';

async function tempDirectory(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'stowage-blob-store-'));
}

describe('FilesystemBlobStore', () => {
  blobStoreContract(async () => {
    const directory = await tempDirectory();
    return {
      store: new FilesystemBlobStore({ directory }),
      dispose: () => rm(directory, { recursive: true, force: true }),
    };
  });

  describe('filesystem specifics', () => {
    let directory: string;
    let store: FilesystemBlobStore;

    beforeEach(async () => {
      directory = await tempDirectory();
      store = new FilesystemBlobStore({ directory });
      await store.initialize();
    });

    afterEach(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    it('when the factory gets only a directory, then it builds a filesystem store', () => {
      expect(createBlobStore({ directory })).toBeInstanceOf(FilesystemBlobStore);
    });

    it('when a put is still streaming, then readers see the previous object whole', async () => {
      await store.put('k', Buffer.from('old'));
      const body = new PassThrough();
      const putting = store.put('k', body);

      body.write('new-but-');
      await new Promise((resolve) => setTimeout(resolve, 20));
      const duringPut = (await readAll(await store.get('k'))).toString();
      body.end('complete');
      await putting;

      expect(duringPut).toBe('old');
      expect((await readAll(await store.get('k'))).toString()).toBe('new-but-complete');
    });

    it('when an object is deleted, then its name is gone at once, and a restart frees what a stopped process had not', async () => {
      await store.put('big', Buffer.alloc(4 * 1024 * 1024, 2));
      await store.delete('big');
      expect(await store.stat('big')).toBeNull();
      await store.close();
      expect(await readdir(path.join(directory, '.uploads', '.tmp'))).toEqual([]);

      // What a process killed before freeing a discarded file leaves; fresh, yet removed at start.
      await writeFile(path.join(directory, '.uploads', '.tmp', 'discarded-left-over'), 'x');
      await new FilesystemBlobStore({ directory }).initialize();
      expect(await readdir(path.join(directory, '.uploads', '.tmp'))).toEqual([]);
    });

    it('when a stream fails, then no temp file is left behind', async () => {
      await expect(store.put('k', failingStream(1024 * 1024))).rejects.toThrow();

      expect(await readdir(path.join(directory, '.uploads', '.tmp'))).toEqual([]);
    });

    it('when the process restarts mid-upload, then a new store instance continues and completes it', async () => {
      const uploadId = await store.createMultipartUpload('mp/resumed');
      const first = await store.uploadPart('mp/resumed', uploadId, 1, Buffer.from('hello '));

      const restarted = new FilesystemBlobStore({ directory });
      const second = await restarted.uploadPart('mp/resumed', uploadId, 2, Buffer.from('world'));
      await restarted.completeMultipartUpload('mp/resumed', uploadId, [first, second]);

      expect((await readAll(await restarted.get('mp/resumed'))).toString()).toBe('hello world');
      expect(await readdir(path.join(directory, '.uploads'))).toEqual(['.tmp']);
    });

    it('when parts arrive in order, then completion renames the appended data file instead of copying it', async () => {
      const uploadId = await store.createMultipartUpload('mp/in-order');
      const first = await store.uploadPart('mp/in-order', uploadId, 1, Buffer.from('hello '));
      const second = await store.uploadPart(
        'mp/in-order',
        uploadId,
        2,
        chunkedStream(Buffer.from('world'), 2),
      );
      const data = await stat(path.join(directory, '.uploads', uploadId, 'appended.data'));

      await store.completeMultipartUpload('mp/in-order', uploadId, [first, second]);

      expect((await readAll(await store.get('mp/in-order'))).toString()).toBe('hello world');
      expect((await stat(path.join(directory, 'mp', 'in-order'))).ino).toBe(data.ino);
      expect(await readdir(path.join(directory, '.uploads'))).toEqual(['.tmp']);
    });

    it('when an append fails half-way, then the next append overwrites what it left and the object is whole', async () => {
      const uploadId = await store.createMultipartUpload('mp/failed-append');
      const first = await store.uploadPart('mp/failed-append', uploadId, 1, Buffer.from('one-'));
      await expect(
        store.uploadPart('mp/failed-append', uploadId, 2, failingStream(256 * 1024)),
      ).rejects.toThrow();

      const second = await store.uploadPart('mp/failed-append', uploadId, 2, Buffer.from('two'));
      await store.completeMultipartUpload('mp/failed-append', uploadId, [first, second]);

      expect((await readAll(await store.get('mp/failed-append'))).toString()).toBe('one-two');
    });

    it('when another writer holds the append lock, then parts are stored apart and completion copies them', async () => {
      const uploadId = await store.createMultipartUpload('mp/locked');
      const first = await store.uploadPart('mp/locked', uploadId, 1, Buffer.from('appended '));
      await writeFile(path.join(directory, '.uploads', uploadId, 'append.lock'), '');

      const second = await store.uploadPart('mp/locked', uploadId, 2, Buffer.from('apart'));
      await store.completeMultipartUpload('mp/locked', uploadId, [first, second]);

      expect((await readAll(await store.get('mp/locked'))).toString()).toBe('appended apart');
    });

    it('when an appended part is uploaded again, then completion uses the version its etag names', async () => {
      const uploadId = await store.createMultipartUpload('mp/again');
      const old = await store.uploadPart('mp/again', uploadId, 1, Buffer.from('old '));
      const second = await store.uploadPart('mp/again', uploadId, 2, Buffer.from('tail'));
      const replaced = await store.uploadPart('mp/again', uploadId, 1, Buffer.from('new '));

      expect(replaced.etag).not.toBe(old.etag);
      await store.completeMultipartUpload('mp/again', uploadId, [replaced, second]);

      expect((await readAll(await store.get('mp/again'))).toString()).toBe('new tail');
    });

    it('when an upload is in progress, then its files are not listed and its folder is not a valid key', async () => {
      const uploadId = await store.createMultipartUpload('mp/x');
      await store.uploadPart('mp/x', uploadId, 1, Buffer.from('part'));

      expect(await collect(store.list(''))).toEqual([]);
      await expect(store.get(`.uploads/${uploadId}/1`)).rejects.toThrow(InvalidBlobKeyError);
    });

    it('when completion names a wrong etag or a missing part, then InvalidUploadPartError', async () => {
      const uploadId = await store.createMultipartUpload('mp/bad');
      const part = await store.uploadPart('mp/bad', uploadId, 1, Buffer.from('part'));

      await expect(
        store.completeMultipartUpload('mp/bad', uploadId, [{ ...part, etag: 'not-it' }]),
      ).rejects.toThrow(InvalidUploadPartError);
      await expect(
        store.completeMultipartUpload('mp/bad', uploadId, [part, { partNumber: 2, etag: 'x', size: 1 }]),
      ).rejects.toThrow(InvalidUploadPartError);
    });

    it('when an upload id was made for another key, then it cannot be used for this one', async () => {
      const uploadId = await store.createMultipartUpload('mp/one');

      await expect(store.uploadPart('mp/two', uploadId, 1, Buffer.from('x'))).rejects.toThrow(
        /upload not found/,
      );
      await expect(store.abortMultipartUpload('mp/two', uploadId)).rejects.toThrow(/upload not found/);
    });

    it('when the last object in a folder is deleted, then the emptied folders are pruned', async () => {
      await store.put('deep/er/still/k', Buffer.from('x'));
      await store.put('deep/sibling', Buffer.from('y'));

      await store.delete('deep/er/still/k');

      expect((await readdir(path.join(directory, 'deep'))).sort()).toEqual(['sibling']);
    });

    it('when puts into a folder race with moves that empty and prune it, then every put and move succeeds', async () => {
      // The dependency proxy's pattern: each fetch is put under `fetches/` and moved to its digest
      // key, and the move prunes `fetches/` when it is left empty while another put is creating it.
      // Without the retry about 1 in 100 such puts failed with ENOENT from mkdir.
      const workers = 16;
      const rounds = 150;
      const outcomes = await Promise.all(
        Array.from({ length: workers }, async (_, worker) => {
          const failures: string[] = [];
          for (let round = 0; round < rounds; round++) {
            const id = `${worker}-${round}`;
            try {
              await store.put(`race/fetches/${id}`, Readable.from([Buffer.from(id)]));
              await store.move(`race/fetches/${id}`, `race/blobs/${id}`);
            } catch (error) {
              failures.push(`${id}: ${(error as Error).message}`);
            }
          }
          return failures;
        }),
      );

      expect(outcomes.flat()).toEqual([]);
      expect((await readdir(path.join(directory, 'race', 'blobs'))).length).toBe(workers * rounds);
    });

    it('when a key would sit below an existing object, then InvalidBlobKeyError explains the clash', async () => {
      await store.put('a', Buffer.from('file'));

      await expect(store.put('a/b', Buffer.from('x'))).rejects.toThrow(InvalidBlobKeyError);
      expect(await readdir(path.join(directory, '.uploads', '.tmp'))).toEqual([]);
    });
  });
});
