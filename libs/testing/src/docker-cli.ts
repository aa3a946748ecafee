import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface DockerRunOptions {
  /** Written to the command's stdin, which is then closed (e.g. the secret for `--password-stdin`). */
  input?: string;
  /** Added to the environment the command inherits; DOCKER_CONFIG always stays the CLI's own. */
  env?: Record<string, string>;
  /** The command is killed and the call rejects after this long; default 60 s. */
  timeoutMs?: number;
}

export interface DockerRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The real `docker` client with a configuration directory of its own, so whatever a test does
 * (`docker login` stores credentials) never touches the developer's ~/.docker.
 */
export interface DockerCli {
  /** The temporary DOCKER_CONFIG directory every command of this CLI uses. */
  readonly configDir: string;
  /** Runs `docker <args>` to completion; a non-zero exit resolves (check `code`), only a timeout rejects. */
  docker(args: readonly string[], options?: DockerRunOptions): Promise<DockerRun>;
  /** Removes the configuration directory with any credentials in it; safe to call twice. */
  cleanup(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 60_000;

function run(args: readonly string[], env: NodeJS.ProcessEnv, options: DockerRunOptions): Promise<DockerRun> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // The arguments may be quoted in a failure message; the input may be a secret, so it never is.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`docker ${args.join(' ')} did not finish in ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // 'close' rather than 'exit': by then stdout and stderr have been read to the end.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A command that exits before reading stdin makes the write fail with EPIPE; its exit code says why.
    child.stdin.once('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Creates a {@link DockerCli} with a fresh, empty DOCKER_CONFIG directory. */
export async function createDockerCli(): Promise<DockerCli> {
  const configDir = await mkdtemp(path.join(tmpdir(), 'stowage-docker-config-'));
  let removed: Promise<void> | undefined;
  return {
    configDir,
    docker: (args, options = {}) =>
      run(args, { ...process.env, ...options.env, DOCKER_CONFIG: configDir }, options),
    cleanup() {
      removed ??= rm(configDir, { recursive: true, force: true });
      return removed;
    },
  };
}
