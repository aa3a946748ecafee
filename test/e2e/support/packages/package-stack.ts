import path from 'node:path';
import { FilesystemBlobStore, type BlobStore } from '@stowage/blob-store';
import { cleanUpSteps } from '../clean-up';
import { startDistributedStack } from '../distributed-stack';
import { restApi, type RestApi } from '../rest-api';
import { bucketOf } from '../s3-bucket';
import { startOwnStandalone } from '../standalone';

/** Small enough that a test can send a file over it; every format's files in the tests are smaller. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
const PACKAGE_ENV = {
  PACKAGE_MAX_FILE_BYTES: String(MAX_FILE_BYTES),
  // Deleted packages' objects leave storage within seconds, so the tests can watch them go.
  PACKAGE_CLEANUP_SWEEP_INTERVAL: '1s',
  PACKAGE_STORAGE_DELETION_DELAY: '1s',
};

/** The Stowage whose package registry is under test, in either mode, as its clients see it. */
export interface PackageStack {
  readonly mode: 'standalone' | 'distributed';
  /** `http://127.0.0.1:<port>` of the gateway (also its EXTERNAL_URL, so links point back here). */
  readonly base: string;
  readonly rootToken: string;
  /** The REST API as root. */
  readonly api: RestApi;
  /** The keys of the objects under `prefix` in the stack's storage (filesystem or S3). */
  storedKeys(prefix: string): Promise<string[]>;
  describe(): string;
  stop(): Promise<void>;
}

async function keysIn(store: BlobStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of store.list(prefix)) keys.push(object.key);
  return keys;
}

export async function startStandalonePackageStack(name: string): Promise<PackageStack> {
  const own = await startOwnStandalone(name, PACKAGE_ENV);
  const { instance } = own;
  const storage = new FilesystemBlobStore({ directory: path.join(own.dataDir, 'blobs') });
  return {
    mode: 'standalone',
    storedKeys: (prefix) => keysIn(storage, prefix),
    base: instance.base,
    rootToken: own.rootToken,
    api: restApi(instance.base, own.rootToken),
    describe: () => instance.process.describe(),
    stop: () => own.stop(),
  };
}

export async function startDistributedPackageStack(name: string): Promise<PackageStack> {
  const stack = await startDistributedStack(name, { extraEnv: PACKAGE_ENV });
  const storage = bucketOf(stack.s3);
  return {
    mode: 'distributed',
    storedKeys: (prefix) => keysIn(storage, prefix),
    base: stack.base,
    rootToken: stack.rootToken,
    api: restApi(stack.base, stack.rootToken),
    describe: stack.describe,
    async stop() {
      const { attempt, finish } = cleanUpSteps();
      await attempt(() => storage.close());
      await attempt(() => stack.stop());
      finish('stopping the distributed package stack failed');
    },
  };
}
