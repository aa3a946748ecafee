import { startDistributedStack } from './distributed-stack';
import { randomSecret } from './identity-world';
import { freeLoopbackPort, makeTempDir, removeDir } from './processes';
import { restApi, type RestApi } from './rest-api';
import { startStandalone, type StandaloneInstance } from './standalone';

export type Mode = 'standalone' | 'distributed';

/** Stowage as a client sees it, in either mode, for tests that run one scenario against both. */
export interface RegistryUnderTest {
  readonly mode: Mode;
  /** `http://127.0.0.1:<port>` of the gateway. */
  readonly base: string;
  /** `127.0.0.1:<port>`, as a user names the registry to docker, podman or skopeo. */
  readonly host: string;
  /** root's personal access token (scope `api`): every registry action, delete included. */
  readonly rootToken: string;
  /** The REST API as root. */
  readonly api: RestApi;
  /**
   * Crashes the registry (SIGKILL) and starts it again on the same data: standalone restarts its
   * one process with the same DATA_DIR, distributed restarts the registry process alone.
   */
  crashAndRestartRegistry(): Promise<void>;
  /** The recent output of the processes under test, for failure messages. */
  describe(): string;
  stop(): Promise<void>;
}

export async function startStandaloneRegistry(name: string): Promise<RegistryUnderTest> {
  const dataDir = await makeTempDir(name);
  const rootToken = randomSecret();
  const port = await freeLoopbackPort();
  const host = `127.0.0.1:${port}`;
  // The token realm in the challenge is then the very address the clients were given.
  const env = { DATA_DIR: dataDir, EXTERNAL_URL: `http://${host}`, INITIAL_ROOT_TOKEN: rootToken };
  const outputs: string[] = [];
  let instance: StandaloneInstance | undefined;
  try {
    instance = await startStandalone(env, { port });
  } catch (error) {
    await removeDir(dataDir);
    throw error;
  }
  const base = instance.base;
  return {
    mode: 'standalone',
    base,
    host,
    rootToken,
    api: restApi(base, rootToken),
    async crashAndRestartRegistry() {
      if (instance) {
        instance.process.signal('SIGKILL');
        await instance.process.exited;
        outputs.push(instance.process.describe());
      }
      instance = undefined;
      instance = await startStandalone(env, { port });
    },
    describe: () =>
      [...outputs, instance?.process.describe() ?? 'standalone is not running'].join('\n').slice(-30_000),
    async stop() {
      await instance?.process.stop();
      await removeDir(dataDir);
    },
  };
}

export async function startDistributedRegistry(name: string): Promise<RegistryUnderTest> {
  const stack = await startDistributedStack(name);
  return {
    mode: 'distributed',
    base: stack.base,
    host: new URL(stack.base).host,
    rootToken: stack.rootToken,
    api: restApi(stack.base, stack.rootToken),
    crashAndRestartRegistry: () => stack.restart('registry', 'SIGKILL'),
    describe: stack.describe,
    stop: stack.stop,
  };
}
