import {
  BlobNotFoundError,
  InvalidBlobKeyError,
  RangeNotSatisfiableError,
  UploadNotFoundError,
  type BlobStore,
  type UploadPart,
} from '@stowage/blob-store';
import {
  chunkedStream,
  collect,
  failingStream,
  pseudoRandomBytes,
  readAll,
  sha256,
} from './blob-store-helpers';

export interface BlobStoreFixture {
  store: BlobStore;
  dispose(): Promise<void>;
}

const MiB = 1024 * 1024;

const TRAVERSAL_KEYS = [
  '',
  '/etc/passwd',
  '../x',
  'a/../../b',
  'a/./b',
  'a//b',
  'a/',
  '.',
  '..',
  'a\\..\\b',
  'a\0b',
];

/**
 * The behaviour every BlobStore adapter must share (distribution's `driver/testsuites`). Each test
 * gets a fresh, empty store from `createFixture`.
 */
export function blobStoreContract(createFixture: () => Promise<BlobStoreFixture>): void {
  let fixture: BlobStoreFixture;
  let store: BlobStore;

  beforeEach(async () => {
    fixture = await createFixture();
    store = fixture.store;
  });

  afterEach(async () => {
    await fixture.dispose();
  });

  describe('put and get', () => {
    it('when a multi-MiB stream is put, then get returns the same bytes and put/stat report its size', async () => {
      const data = pseudoRandomBytes(12 * MiB + 123);

      const info = await store.put('blobs/big', chunkedStream(data));
      const read = await readAll(await store.get('blobs/big'));

      expect(info).toMatchObject({ key: 'blobs/big', size: data.length });
      expect(sha256(read)).toBe(sha256(data));
      expect((await store.stat('blobs/big'))?.size).toBe(data.length);
    });

    it('when a stream is put with its size, then get returns the same bytes', async () => {
      const data = pseudoRandomBytes(9 * MiB + 7);

      const info = await store.put('blobs/sized', chunkedStream(data), { size: data.length });

      expect(info).toMatchObject({ key: 'blobs/sized', size: data.length });
      expect(sha256(await readAll(await store.get('blobs/sized')))).toBe(sha256(data));
    });

    it('when a stream put with its size fails midway, then nothing is stored', async () => {
      await expect(store.put('failed/sized', failingStream(3 * MiB), { size: 8 * MiB })).rejects.toThrow();

      expect(await store.stat('failed/sized')).toBeNull();
    });

    it('when a key is put twice, then the second body replaces the first', async () => {
      await store.put('k', Buffer.from('first version'));

      await store.put('k', Buffer.from('second'));

      expect((await readAll(await store.get('k'))).toString()).toBe('second');
    });

    it('when an empty body is put, then an empty object exists', async () => {
      const info = await store.put('empty', Buffer.alloc(0));

      expect(info.size).toBe(0);
      expect((await readAll(await store.get('empty'))).length).toBe(0);
    });

    it('when a key holds spaces, plus, percent and non-ASCII characters, then it round-trips', async () => {
      const key = 'odd/name with space+plus%20ü€.txt';

      await store.put(key, Buffer.from('odd'));
      await store.move(key, `${key}.moved`);

      expect((await readAll(await store.get(`${key}.moved`))).toString()).toBe('odd');
      expect((await collect(store.list('odd/'))).map((b) => b.key)).toEqual([`${key}.moved`]);
    });

    it('when the input stream fails early, then nothing is stored', async () => {
      await expect(store.put('failed/small', failingStream(MiB))).rejects.toThrow('client went away');

      expect(await store.stat('failed/small')).toBeNull();
      expect(await collect(store.list('failed/'))).toEqual([]);
    });

    it('when the input stream fails after several MiB, then nothing is stored', async () => {
      // Past S3 adapter's part size, so this exercises the abort of a started multipart upload.
      await expect(store.put('failed/large', failingStream(20 * MiB))).rejects.toThrow('client went away');

      expect(await store.stat('failed/large')).toBeNull();
      expect(await collect(store.list('failed/'))).toEqual([]);
    });
  });

  describe('ranges', () => {
    const data = pseudoRandomBytes(1000, 3);
    const readRange = async (start: number, end?: number) =>
      readAll(await store.get('ranged', { start, end }));

    beforeEach(async () => {
      await store.put('ranged', data);
    });

    it('when a start-end range is read, then exactly those bytes (inclusive) come back', async () => {
      expect(await readRange(10, 19)).toEqual(data.subarray(10, 20));
    });

    it('when an open-ended range is read, then the bytes to the end come back', async () => {
      expect(await readRange(990)).toEqual(data.subarray(990));
      expect(await readRange(0)).toEqual(data);
    });

    it('when a single-byte range is read, then one byte comes back', async () => {
      expect(await readRange(0, 0)).toEqual(data.subarray(0, 1));
      expect(await readRange(500, 500)).toEqual(data.subarray(500, 501));
      expect(await readRange(999, 999)).toEqual(data.subarray(999));
    });

    it('when the end lies past the object, then it is clamped to the last byte', async () => {
      expect(await readRange(995, 5000)).toEqual(data.subarray(995));
    });

    it('when the start lies at or past the end, then RangeNotSatisfiableError carries the size', async () => {
      for (const start of [1000, 5000]) {
        const error: unknown = await store.get('ranged', { start }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RangeNotSatisfiableError);
        expect(error).toMatchObject({ key: 'ranged', start, size: 1000 });
      }
    });

    it('when a range is malformed, then get rejects with RangeError', async () => {
      await expect(store.get('ranged', { start: 10, end: 5 })).rejects.toThrow(RangeError);
      await expect(store.get('ranged', { start: -1 })).rejects.toThrow(RangeError);
    });
  });

  describe('missing objects', () => {
    it('when a missing key is read, then BlobNotFoundError names it, with or without a range', async () => {
      await expect(store.get('nope/missing')).rejects.toThrow(BlobNotFoundError);
      await expect(store.get('nope/missing', { start: 0, end: 1 })).rejects.toMatchObject({
        name: 'BlobNotFoundError',
        key: 'nope/missing',
      });
    });

    it('when a missing key is stat-ed, then the answer is null', async () => {
      expect(await store.stat('nope/missing')).toBeNull();
    });

    it('when an existing key is stat-ed, then size and a recent modification time come back', async () => {
      await store.put('present', Buffer.from('12345'));

      const info = await store.stat('present');

      expect(info).toMatchObject({ key: 'present', size: 5 });
      expect(Math.abs((info?.modifiedAt.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    });
  });

  describe('delete', () => {
    it('when an object is deleted twice, then it is gone and the second delete succeeds', async () => {
      await store.put('del/me', Buffer.from('x'));

      await store.delete('del/me');
      await store.delete('del/me');
      await store.delete('never/existed');

      expect(await store.stat('del/me')).toBeNull();
      await expect(store.get('del/me')).rejects.toThrow(BlobNotFoundError);
    });
  });

  describe('list', () => {
    const keys = ['a/c', 'top', 'a/bc/d', 'a/b/d/e', 'b/a', 'a/b0', 'a/b-x', 'a/b/c'];

    beforeEach(async () => {
      for (const key of keys) await store.put(key, Buffer.from(key));
    });

    it('when a folder prefix is listed, then only keys below it come back, in key order', async () => {
      const listed = await collect(store.list('a/b/'));

      expect(listed.map((b) => b.key)).toEqual(['a/b/c', 'a/b/d/e']);
      expect(listed[0]).toMatchObject({ size: 'a/b/c'.length });
      expect(Number.isFinite(listed[0]?.modifiedAt.getTime())).toBe(true);
    });

    it('when a partial prefix is listed, then it matches as a plain string prefix in UTF-8 order', async () => {
      const listed = await collect(store.list('a/b'));

      expect(listed.map((b) => b.key)).toEqual(['a/b-x', 'a/b/c', 'a/b/d/e', 'a/b0', 'a/bc/d']);
    });

    it('when the empty prefix is listed, then every key comes back sorted', async () => {
      const listed = await collect(store.list(''));

      expect(listed.map((b) => b.key)).toEqual([
        'a/b-x',
        'a/b/c',
        'a/b/d/e',
        'a/b0',
        'a/bc/d',
        'a/c',
        'b/a',
        'top',
      ]);
    });

    it('when nothing matches, then the listing is empty', async () => {
      expect(await collect(store.list('zz/'))).toEqual([]);
    });
  });

  describe('move', () => {
    it('when an object is moved, then it exists only at the new key', async () => {
      await store.put('uploads/tmp-1', Buffer.from('payload'));

      await store.move('uploads/tmp-1', 'blobs/sha256/ab/abcdef');

      expect((await readAll(await store.get('blobs/sha256/ab/abcdef'))).toString()).toBe('payload');
      expect(await store.stat('uploads/tmp-1')).toBeNull();
    });

    it('when the target exists, then it is replaced', async () => {
      await store.put('from', Buffer.from('new'));
      await store.put('to', Buffer.from('old contents'));

      await store.move('from', 'to');

      expect((await readAll(await store.get('to'))).toString()).toBe('new');
    });

    it('when the source is missing, then BlobNotFoundError names it', async () => {
      await expect(store.move('missing/src', 'dst')).rejects.toMatchObject({
        name: 'BlobNotFoundError',
        key: 'missing/src',
      });
    });
  });

  describe('multipart uploads', () => {
    it('when three parts are uploaded out of order and completed, then the object is their concatenation', async () => {
      const partSize = Math.max(store.minPartSize, 256 * 1024);
      const parts = [
        pseudoRandomBytes(partSize, 11),
        pseudoRandomBytes(partSize, 12),
        pseudoRandomBytes(777, 13),
      ];
      const whole = Buffer.concat(parts);
      const uploadId = await store.createMultipartUpload('mp/object');

      // One part of each body kind: a stream of unknown length, a stream of known length, a Buffer.
      const third = await store.uploadPart('mp/object', uploadId, 3, chunkedStream(parts[2] as Buffer));
      const first = await store.uploadPart('mp/object', uploadId, 1, chunkedStream(parts[0] as Buffer), {
        size: partSize,
      });
      const second = await store.uploadPart('mp/object', uploadId, 2, parts[1] as Buffer);
      const info = await store.completeMultipartUpload('mp/object', uploadId, [second, third, first]);

      expect([first.size, second.size, third.size]).toEqual([partSize, partSize, 777]);
      expect(info).toMatchObject({ key: 'mp/object', size: whole.length });
      expect(sha256(await readAll(await store.get('mp/object')))).toBe(sha256(whole));
      expect((await collect(store.list('mp/'))).map((b) => b.key)).toEqual(['mp/object']);
    });

    it('when an upload is aborted, then no object exists, completing fails and aborting again succeeds', async () => {
      const uploadId = await store.createMultipartUpload('mp/aborted');
      const part: UploadPart = await store.uploadPart('mp/aborted', uploadId, 1, Buffer.from('part'));

      await store.abortMultipartUpload('mp/aborted', uploadId);

      expect(await store.stat('mp/aborted')).toBeNull();
      await expect(store.completeMultipartUpload('mp/aborted', uploadId, [part])).rejects.toThrow(
        UploadNotFoundError,
      );
      await expect(store.abortMultipartUpload('mp/aborted', uploadId)).resolves.toBeUndefined();
    });
  });

  describe('keys', () => {
    it.each(TRAVERSAL_KEYS)(
      'when key %j escapes or is malformed, then every operation rejects it',
      async (key) => {
        await store.put('safe', Buffer.from('x'));
        const calls: Array<() => Promise<unknown>> = [
          () => store.put(key, Buffer.from('x')),
          () => store.get(key),
          () => store.stat(key),
          () => store.delete(key),
          () => store.move('safe', key),
          () => store.move(key, 'safe-copy'),
          () => store.createMultipartUpload(key),
          () => store.presignGet(key, 60),
        ];
        for (const call of calls) await expect(call()).rejects.toThrow(InvalidBlobKeyError);
        expect(await store.stat('safe')).not.toBeNull();
      },
    );

    it('when a list prefix escapes, then listing rejects it', async () => {
      for (const prefix of ['../', '/abs', 'a/../', 'a//']) {
        await expect(collect(store.list(prefix))).rejects.toThrow(InvalidBlobKeyError);
      }
    });
  });

  describe('presign and health', () => {
    it('when a URL is presigned, then it is null or serves the object', async () => {
      await store.put('signed/object', Buffer.from('signed bytes'));

      const url = await store.presignGet('signed/object', 300);

      if (url !== null) {
        const response = await fetch(url);
        expect(response.status).toBe(200);
        expect(await response.text()).toBe('signed bytes');
      }
    });

    it('when storage is reachable, then checkHealth resolves', async () => {
      await expect(store.checkHealth()).resolves.toBeUndefined();
    });
  });
}
