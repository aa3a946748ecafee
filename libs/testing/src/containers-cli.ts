import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCommand, type CommandOptions, type CommandRun } from './run-command';

/**
 * The real `podman`, `buildah` and `skopeo` (the containers/* tools) with a storage, an engine
 * configuration and an auth file of their own under one temporary directory, so whatever a test
 * pulls, builds or logs in with never touches the machine's /var/lib/containers or ~/.config.
 *
 * Storage uses the `vfs` driver: it needs no overlay mounts or fuse, so it works in a container
 * and its files are removed with a plain recursive delete.
 */
export interface ContainersCli {
  /** The temporary directory holding storage, configuration and credentials. */
  readonly rootDir: string;
  /** The auth file every tool of this CLI reads and `podman login` writes (REGISTRY_AUTH_FILE). */
  readonly authFile: string;
  podman(args: readonly string[], options?: CommandOptions): Promise<CommandRun>;
  buildah(args: readonly string[], options?: CommandOptions): Promise<CommandRun>;
  skopeo(args: readonly string[], options?: CommandOptions): Promise<CommandRun>;
  /** Removes the directory with its images and credentials; safe to call twice. */
  cleanup(): Promise<void>;
}

function storageConf(rootDir: string): string {
  return [
    '[storage]',
    'driver = "vfs"',
    `graphroot = ${JSON.stringify(path.join(rootDir, 'storage'))}`,
    `runroot = ${JSON.stringify(path.join(rootDir, 'run'))}`,
    '',
  ].join('\n');
}

// Lock files, the events log and cgroups otherwise go to machine-wide places (/run/libpod,
// journald, systemd), which a test must not share with the host's own containers.
function containersConf(rootDir: string): string {
  return [
    '[engine]',
    `tmp_dir = ${JSON.stringify(path.join(rootDir, 'tmp'))}`,
    'events_logger = "file"',
    `events_logfile_path = ${JSON.stringify(path.join(rootDir, 'events.log'))}`,
    'cgroup_manager = "cgroupfs"',
    '',
  ].join('\n');
}

/** Creates a {@link ContainersCli} with empty storage and no credentials. */
export async function createContainersCli(): Promise<ContainersCli> {
  const rootDir = await mkdtemp(path.join(tmpdir(), 'stowage-containers-'));
  const storageConfPath = path.join(rootDir, 'storage.conf');
  const containersConfPath = path.join(rootDir, 'containers.conf');
  const authFile = path.join(rootDir, 'auth.json');
  await writeFile(storageConfPath, storageConf(rootDir));
  await writeFile(containersConfPath, containersConf(rootDir));
  const ownEnv = {
    CONTAINERS_STORAGE_CONF: storageConfPath,
    CONTAINERS_CONF: containersConfPath,
    REGISTRY_AUTH_FILE: authFile,
  };
  const tool =
    (command: string) =>
    (args: readonly string[], options: CommandOptions = {}) =>
      runCommand(command, args, { ...process.env, ...options.env, ...ownEnv }, options);
  let removed: Promise<void> | undefined;
  return {
    rootDir,
    authFile,
    podman: tool('podman'),
    buildah: tool('buildah'),
    skopeo: tool('skopeo'),
    cleanup() {
      removed ??= rm(rootDir, { recursive: true, force: true });
      return removed;
    },
  };
}
