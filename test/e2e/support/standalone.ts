import { randomSecret } from './identity-world';
import {
  freeLoopbackPort,
  makeTempDir,
  removeDir,
  startNodeScript,
  waitUntil,
  type NodeProcess,
} from './processes';

/**
 * Standalone mode as a user runs it after `pnpm run build`: one process, PGlite and blobs under
 * DATA_DIR, the gateway on PORT. Tests run the compiled `dist/`, never the sources.
 */
export const STANDALONE = 'services/launcher/dist/standalone.js';

// A fresh PGlite runs initdb in WebAssembly; on two busy cores the whole start can take a while.
export const START_TIMEOUT_MS = 120_000;
// The gateway gives in-flight requests 10 s after SIGTERM, then the services stop.
export const STOP_TIMEOUT_MS = 60_000;

export interface StandaloneInstance {
  process: NodeProcess;
  port: number;
  /** Where the gateway is reached from this test (always loopback). */
  base: string;
}

/** The child could not listen on its port: another process took it after it was chosen. */
export class PortTakenError extends Error {}

/**
 * Starts standalone mode on loopback and waits until the child has said it is ready and the
 * gateway's readiness answers 200. `port` is for a caller that must know it before the start (to
 * put it in EXTERNAL_URL); default a free one, and another one if a process takes it before the
 * child binds it (the child only listens once its database is up, seconds later).
 */
export async function startStandalone(
  env: { DATA_DIR: string } & Record<string, string>,
  options: { port?: number } = {},
): Promise<StandaloneInstance> {
  if (options.port !== undefined) return startOn(options.port, env);
  return onAFreePort((port) => startOn(port, env));
}

/** `start` on a free loopback port, again on another one (twice at most) if the first was taken. */
async function onAFreePort<T>(start: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freeLoopbackPort());
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === 3) throw error;
    }
  }
}

async function startOn(port: number, env: Record<string, string>): Promise<StandaloneInstance> {
  const started = startNodeScript(STANDALONE, { HOST: '127.0.0.1', PORT: String(port), ...env });
  const base = `http://127.0.0.1:${port}`;
  try {
    // Until the child says it listens, whatever answers on the port is another process.
    await started.waitForLog((line) => line.message === 'stowage is ready', START_TIMEOUT_MS - 20_000);
    await waitUntil(
      async () => {
        const response = await fetch(`${base}/-/readiness`);
        await response.body?.cancel();
        return response.status === 200 ? true : undefined;
      },
      {
        timeoutMs: 10_000,
        description: 'the gateway to be ready',
        giveUpIf: () => (started.hasExited() ? `it exited; ${started.describe()}` : undefined),
      },
    );
  } catch (error) {
    await started.stop(5_000);
    if (started.stderr().includes('EADDRINUSE')) {
      throw new PortTakenError(`port ${port} was taken before standalone mode listened on it`, {
        cause: error,
      });
    }
    throw error;
  }
  return { process: started, port, base };
}

/** A standalone instance on its own data directory, its EXTERNAL_URL the address tests use. */
export interface OwnStandalone {
  instance: StandaloneInstance;
  dataDir: string;
  rootToken: string;
  /** `127.0.0.1:<port>`, as docker and skopeo are given it. */
  host: string;
  /** Stops the process and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * Starts standalone mode on a fresh data directory with a generated root token; EXTERNAL_URL is
 * the loopback address the clients are given, so token realms and links point back to it.
 */
export async function startOwnStandalone(
  name: string,
  env: Record<string, string> = {},
): Promise<OwnStandalone> {
  const dataDir = await makeTempDir(name);
  const rootToken = randomSecret();
  try {
    return await onAFreePort(async (port) => {
      const host = `127.0.0.1:${port}`;
      const instance = await startStandalone(
        { DATA_DIR: dataDir, EXTERNAL_URL: `http://${host}`, INITIAL_ROOT_TOKEN: rootToken, ...env },
        { port },
      );
      return {
        instance,
        dataDir,
        rootToken,
        host,
        async stop() {
          await instance.process.stop();
          await removeDir(dataDir);
        },
      };
    });
  } catch (error) {
    await removeDir(dataDir);
    throw error;
  }
}
