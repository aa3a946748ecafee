import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCommand, type CommandRun } from './run-command';

export interface DockerRunOptions {
  /** Written to the command's stdin, which is then closed (e.g. the secret for `--password-stdin`). */
  input?: string;
  /** Added to the environment the command inherits; DOCKER_CONFIG always stays the CLI's own. */
  env?: Record<string, string>;
  /** The command is killed and the call rejects after this long; default 60 s. */
  timeoutMs?: number;
}

/** What a finished `docker` command printed, and its exit code. */
export type DockerRun = CommandRun;

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

/** Creates a {@link DockerCli} with a fresh, empty DOCKER_CONFIG directory. */
export async function createDockerCli(): Promise<DockerCli> {
  const configDir = await mkdtemp(path.join(tmpdir(), 'stowage-docker-config-'));
  let removed: Promise<void> | undefined;
  return {
    configDir,
    docker: (args, options = {}) =>
      runCommand('docker', args, { ...process.env, ...options.env, DOCKER_CONFIG: configDir }, options),
    cleanup() {
      removed ??= rm(configDir, { recursive: true, force: true });
      return removed;
    },
  };
}
