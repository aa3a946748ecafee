import path from 'node:path';
import { FilesystemBlobStore, S3BlobStore, type BlobStore } from '@stowage/blob-store';
import { cleanUpSteps } from '../clean-up';
import { startDistributedStack } from '../distributed-stack';
import { randomSecret } from '../identity-world';
import { freeLoopbackPort, makeTempDir, removeDir } from '../processes';
import { restApi, type RestApi } from '../rest-api';
import { startStandalone, type StandaloneInstance } from '../standalone';

/** Small enough that a test can send a file over it; every format's files in the tests are smaller. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
const PACKAGE_ENV = { PACKAGE_MAX_FILE_BYTES: String(MAX_FILE_BYTES) };

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
  const dataDir = await makeTempDir(name);
  const rootToken = randomSecret();
  const port = await freeLoopbackPort();
  let instance: StandaloneInstance | undefined;
  try {
    instance = await startStandalone(
      {
        DATA_DIR: dataDir,
        EXTERNAL_URL: `http://127.0.0.1:${port}`,
        INITIAL_ROOT_TOKEN: rootToken,
        ...PACKAGE_ENV,
      },
      { port },
    );
    const running = instance;
    const storage = new FilesystemBlobStore({ directory: path.join(dataDir, 'blobs') });
    return {
      mode: 'standalone',
      storedKeys: (prefix) => keysIn(storage, prefix),
      base: instance.base,
      rootToken,
      api: restApi(instance.base, rootToken),
      describe: () => running.process.describe(),
      async stop() {
        await running.process.stop();
        await removeDir(dataDir);
      },
    };
  } catch (error) {
    await instance?.process.stop();
    await removeDir(dataDir);
    throw error;
  }
}

export async function startDistributedPackageStack(name: string): Promise<PackageStack> {
  const stack = await startDistributedStack(name, { extraEnv: PACKAGE_ENV });
  const { s3 } = stack;
  const storage = new S3BlobStore({
    endpoint: s3.endpoint,
    region: s3.region,
    bucket: s3.bucket,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
  });
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
