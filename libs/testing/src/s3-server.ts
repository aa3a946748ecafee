import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { uniqueName } from './unique-names';
import { terminateProcess } from './terminate-process';

/** A running S3 server for tests. Clients must use path-style addressing (`forcePathStyle: true`). */
export interface S3Server {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  region: string;
  /** A bucket created for this server alone. */
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Kills the server process and removes its data; safe to call twice. */
  stop(): Promise<void>;
}

// The same file serves src/ (Jest) and dist/ (compiled): both sit one folder below the package.
const LAUNCHER = path.join(__dirname, '..', 's3rver-process.js');
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

function readPort(child: ChildProcess, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => fail(new Error(`s3rver did not start in ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0];
      if (line === undefined || !stdout.includes('\n')) return;
      let port: unknown;
      try {
        port = (JSON.parse(line) as { port?: unknown }).port;
      } catch {
        port = undefined;
      }
      if (typeof port !== 'number') return fail(new Error(`s3rver printed no port: ${line}`));
      cleanup();
      resolve(port);
    };
    const onExit = (code: number | null) => fail(new Error(`s3rver exited with ${code}: ${stderr()}`));
    const fail = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', fail);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', fail);
  });
}

/** Resolves once the port accepts a TCP connection. */
function waitUntilAccepting(port: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  const attempt = (resolve: () => void, reject: (error: Error) => void) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => {
      socket.destroy();
      if (Date.now() > deadline) reject(error);
      else setTimeout(() => attempt(resolve, reject), 50);
    });
  };
  return new Promise(attempt);
}

/**
 * Starts s3rver (a real S3 HTTP server) as a separate process on 127.0.0.1 and a free port, with
 * its own temp directory and a uniquely named bucket, so any number can run in parallel. The
 * process also exits by itself when the process that started it dies.
 */
export async function startS3Server(): Promise<S3Server> {
  const directory = await mkdtemp(path.join(tmpdir(), 'stowage-s3rver-'));
  const bucket = uniqueName('stowage').replace(/_/g, '-');
  const child = spawn(process.execPath, [LAUNCHER, directory, bucket], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  // Last resort when stop() is never called: kill() is synchronous, so it works in an exit handler.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      process.off('exit', killOnExit);
      child.stdin?.end();
      await terminateProcess(child, STOP_TIMEOUT_MS);
      await rm(directory, { recursive: true, force: true });
    })();
    return stopped;
  };
  try {
    const port = await readPort(child, () => stderr);
    await waitUntilAccepting(port);
    return {
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      bucket,
      // s3rver's built-in account.
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
