import { S3BlobStore, createBlobStore, type S3Options } from '@stowage/blob-store';
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
    const store = new S3BlobStore(options({ keyPrefix: uniqueName('contract') }));
    return { store, dispose: () => store.close() };
  });

  describe('S3 specifics', () => {
    const stores: S3BlobStore[] = [];
    const newStore = (overrides: Partial<S3Options> = {}) => {
      const store = new S3BlobStore(options(overrides));
      stores.push(store);
      return store;
    };

    afterEach(async () => {
      await Promise.all(stores.splice(0).map((store) => store.close()));
    });

    it('when the factory gets s3 options, then it builds an S3 store', async () => {
      const store = createBlobStore({ s3: options(), directory: '/unused' });
      await store.close();

      expect(store).toBeInstanceOf(S3BlobStore);
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
