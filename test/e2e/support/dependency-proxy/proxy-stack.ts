import path from 'node:path';
import { createBlobStore, type BlobStore, type ManagedBlobStore } from '@stowage/blob-store';
import { openDatabase, type Database } from '@stowage/db';
import { cleanUpSteps } from '../clean-up';
import { SERVICES, startDistributedStack } from '../distributed-stack';
import { restApi, type RestApi } from '../rest-api';
import { startOwnStandalone } from '../standalone';

/**
 * The Stowage whose dependency proxy is under test, in either mode, with what the proxy tests
 * need beyond a client's view: the dependency-proxy service's own address (its /metrics), the
 * pids of every Stowage process (their memory), and in distributed mode SQL on its database.
 */
export interface ProxyStack {
  readonly mode: 'standalone' | 'distributed';
  /** `http://127.0.0.1:<port>` of the gateway. */
  readonly base: string;
  /** `127.0.0.1:<port>`, as docker and skopeo are given it. */
  readonly host: string;
  readonly rootToken: string;
  /** The REST API as root. */
  readonly api: RestApi;
  /** The dependency-proxy service's own address, for /metrics (clients use the gateway). */
  readonly proxyServiceUrl: string;
  /** Every Stowage OS process of the stack, by a name for failure messages. */
  pids(): Record<string, number>;
  /**
   * The stack's database for the test's own statements, or undefined when the stack keeps it
   * in-process (standalone's PGlite cannot be opened by a second process while it runs).
   */
  readonly database: Database | undefined;
  /** The blob storage the stack's services share, for the test's own reads and removals. */
  readonly blobs: BlobStore;
  describe(): string;
  stop(): Promise<void>;
}

/**
 * The TTL scheduler looks for due groups every second instead of every hour, so a test sees a
 * policy run within seconds of making entries old.
 */
const PROXY_ENV = { DEPENDENCY_PROXY_TTL_SCHEDULE_SECONDS: '1' };

export async function startStandaloneProxyStack(name: string): Promise<ProxyStack> {
  const own = await startOwnStandalone(name, PROXY_ENV);
  const { instance } = own;
  const blobs = createBlobStore({ directory: path.join(own.dataDir, 'blobs') });
  try {
    // Standalone's services listen on ports the OS picks; each logs its address once.
    const listening = await instance.process.waitForLog(
      (line) => line.message === 'dependency-proxy listening' && typeof line.url === 'string',
      10_000,
    );
    return {
      mode: 'standalone',
      base: instance.base,
      host: own.host,
      rootToken: own.rootToken,
      api: restApi(instance.base, own.rootToken),
      proxyServiceUrl: String(listening.url),
      pids: () => ({ stowage: instance.process.pid }),
      database: undefined,
      blobs,
      describe: () => instance.process.describe(),
      stop: () => own.stop(),
    };
  } catch (error) {
    await own.stop();
    throw error;
  }
}

export async function startDistributedProxyStack(name: string): Promise<ProxyStack> {
  const stack = await startDistributedStack(name, { extraEnv: PROXY_ENV });
  let database: Database | undefined;
  try {
    database = await openDatabase({ url: stack.databaseUrl, maxConnections: 2 });
  } catch (error) {
    await stack.stop();
    throw error;
  }
  const opened = database;
  const { endpoint, region, bucket, accessKeyId, secretAccessKey } = stack.s3;
  const blobs: ManagedBlobStore = createBlobStore({
    s3: { endpoint, region, bucket, accessKeyId, secretAccessKey, forcePathStyle: true },
  });
  return {
    mode: 'distributed',
    base: stack.base,
    host: new URL(stack.base).host,
    rootToken: stack.rootToken,
    api: restApi(stack.base, stack.rootToken),
    proxyServiceUrl: stack.url('dependency-proxy'),
    pids: () => Object.fromEntries(SERVICES.map((service) => [service, stack.pid(service)])),
    database: opened,
    blobs,
    describe: stack.describe,
    async stop() {
      const { attempt, finish } = cleanUpSteps();
      await attempt(() => blobs.close());
      await attempt(() => opened.close());
      await attempt(() => stack.stop());
      finish('stopping the distributed proxy stack failed');
    },
  };
}
