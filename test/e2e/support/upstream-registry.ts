import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freeLoopbackPort, makeTempDir, removeDir, waitUntil } from './processes';

/**
 * Debian's `docker-registry` (CNCF Distribution 2.8) as an upstream on loopback: no auth,
 * filesystem storage, and its access log (Apache combined format, on stdout) kept so a test can
 * count exactly which requests reached it. It can be stopped and started again on the same port
 * and storage, to play an upstream outage.
 */

const BINARY = process.env.STOWAGE_TEST_DISTRIBUTION_BIN ?? '/usr/bin/docker-registry';
const SETTLE_MS = 200;
const ACCESS_LINE = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3}) /;

/** One request the upstream answered, in the order its access log wrote them. */
export interface UpstreamRequest {
  method: string;
  path: string;
  status: number;
}

export interface UpstreamRegistry {
  /** `127.0.0.1:<port>`, as skopeo is given it. */
  readonly host: string;
  /** `http://127.0.0.1:<port>`, as an upstream URL in the proxy's settings. */
  readonly url: string;
  /** Every request logged since the start (restarts included). */
  requests(): UpstreamRequest[];
  /**
   * Resolves once the log has been quiet for a moment: a line is written when its response
   * ends and reaches this process a little later, so read `requests()` after an action through this.
   */
  settle(): Promise<void>;
  /** The requests whose method is `method` and whose path matches `path`. */
  count(method: string, path: RegExp): number;
  /** Stops the server (SIGTERM, then SIGKILL); its storage stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port and storage. */
  start(): Promise<void>;
  /** Stops it and removes its storage. */
  remove(): Promise<void>;
  /** The server's recent output, for failure messages. */
  describe(): string;
}

function configYaml(storage: string, port: number): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: false',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '',
  ].join('\n');
}

export async function startUpstreamRegistry(name: string): Promise<UpstreamRegistry> {
  const dir = await makeTempDir(`upstream-${name}`);
  const port = await freeLoopbackPort();
  const configPath = path.join(dir, 'config.yml');
  await writeFile(configPath, configYaml(path.join(dir, 'storage'), port));
  const url = `http://127.0.0.1:${port}`;
  let stdout = '';
  let stderr = '';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const started = spawn(BINARY, ['serve', configPath], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    let running = true;
    exited = new Promise((resolve) => started.once('close', () => resolve()));
    void exited.then(() => (running = false));
    started.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    started.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killOnExit = () => started.kill('SIGKILL');
    process.once('exit', killOnExit);
    void exited.then(() => process.off('exit', killOnExit));
    await waitUntil(
      async () => {
        const response = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
        return response.status === 200 ? true : undefined;
      },
      {
        timeoutMs: 30_000,
        intervalMs: 100,
        description: `docker-registry on ${url}`,
        giveUpIf: () => (running ? undefined : `it exited; stderr:\n${stderr.slice(-2000)}`),
      },
    );
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const requests = () =>
    stdout.split('\n').flatMap((line) => {
      const match = ACCESS_LINE.exec(line);
      return match ? [{ method: match[1]!, path: match[2]!, status: Number(match[3]) }] : [];
    });

  try {
    await start();
  } catch (error) {
    await stop();
    await removeDir(dir);
    throw error;
  }
  return {
    host: `127.0.0.1:${port}`,
    url,
    requests,
    async settle() {
      for (let seen = -1; seen !== stdout.length;) {
        seen = stdout.length;
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      }
    },
    count: (method, pattern) =>
      requests().filter((request) => request.method === method && pattern.test(request.path)).length,
    stop,
    start,
    async remove() {
      await stop();
      await removeDir(dir);
    },
    describe: () => `docker-registry ${url} stdout:\n${stdout.slice(-3000)}\nstderr:\n${stderr.slice(-3000)}`,
  };
}
