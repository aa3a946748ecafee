import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  StorageUnavailableError,
  createBlobStore,
  createS3BlobStore,
  type S3BlobStore,
  type S3Options,
} from '@stowage/blob-store';
import { startS3Server, uniqueName, type S3Server } from '@stowage/testing';
import { blobStoreContract } from './blob-store-contract';
import { collect } from './blob-store-helpers';

describe('S3BlobStore against s3rver', () => {
  let server: S3Server;

  const options = (overrides: Partial<S3Options> = {}): S3Options => ({
    endpoint: server.endpoint,
    region: server.region,
    bucket: server.bucket,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    forcePathStyle: true,
    ...overrides,
  });

  beforeAll(async () => {
    server = await startS3Server();
  });

  afterAll(async () => {
    await server?.stop();
  });

  // Every test gets its own key prefix in the one bucket: as empty as a fresh bucket, far cheaper.
  blobStoreContract(async () => {
    const store = createS3BlobStore(options({ keyPrefix: uniqueName('contract') }));
    return { store, dispose: () => store.close() };
  });

  describe('S3 specifics', () => {
    const stores: S3BlobStore[] = [];
    const newStore = (overrides: Partial<S3Options> = {}) => {
      const store = createS3BlobStore(options(overrides));
      stores.push(store);
      return store;
    };

    const after: Array<() => Promise<void>> = [];

    afterEach(async () => {
      await Promise.all(stores.splice(0).map((store) => store.close()));
      await Promise.all(after.splice(0).map((cleanUp) => cleanUp()));
    });

    it('when the server answers only 503, then every kind of call rejects with StorageUnavailableError', async () => {
      // A refused connection is the other kind of outage; Jest's sandbox hides its error code from
      // the SDK, so the end-to-end fault-injection suite covers it with real processes.
      const unavailable = http.createServer((_req, res) => {
        res.writeHead(503, { 'content-type': 'application/xml' });
        res.end('<Error><Code>ServiceUnavailable</Code><Message>down</Message></Error>');
      });
      await new Promise<void>((resolve) => unavailable.listen(0, '127.0.0.1', resolve));
      after.push(() => new Promise<void>((resolve) => unavailable.close(() => resolve())));
      const port = (unavailable.address() as AddressInfo).port;
      const store = newStore({ endpoint: `http://127.0.0.1:${port}` });
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['get', () => store.get('registry/blobs/x')],
        ['stat', () => store.stat('registry/blobs/x')],
        ['put', () => store.put('registry/blobs/x', Buffer.from('x'))],
        ['list', () => collect(store.list('registry/'))],
        ['createMultipartUpload', () => store.createMultipartUpload('registry/uploads/x')],
        ['checkHealth', () => store.checkHealth()],
      ];
      for (const [name, call] of calls) {
        const error = await call().then(
          () => undefined,
          (failure: unknown) => failure,
        );
        expect({ name, error }).toEqual({ name, error: expect.any(StorageUnavailableError) });
        expect((error as StorageUnavailableError).dependency).toBe('storage');
      }
    });

    it('when the factory gets s3 options, then it builds an S3 store', async () => {
      const store = createBlobStore({ s3: options(), directory: '/unused' });
      const s3Store = createS3BlobStore(options());
      await Promise.all([store.close(), s3Store.close()]);

      expect(store).toBeInstanceOf(s3Store.constructor);
    });

    it('when the bucket is missing, then ensureBucket creates it, and a second call is harmless', async () => {
      const store = newStore({ bucket: uniqueName('created').replace(/_/g, '-') });
      await expect(store.checkHealth()).rejects.toThrow();

      await store.ensureBucket();
      await store.initialize();

      await expect(store.checkHealth()).resolves.toBeUndefined();
    });

    it('when two stores use different key prefixes, then neither sees the other', async () => {
      const one = newStore({ keyPrefix: uniqueName('one') });
      const two = newStore({ keyPrefix: `${uniqueName('two')}/` });
      await one.put('shared/key', Buffer.from('one'));

      expect(await two.stat('shared/key')).toBeNull();
      expect(await collect(two.list(''))).toEqual([]);
      expect((await collect(one.list(''))).map((b) => b.key)).toEqual(['shared/key']);
    });
  });
});
