import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { runCommand, type CommandRun } from '@stowage/testing';
import { makeTempDir, removeDir } from '../../processes';

/**
 * A throw-away home directory for one package client, so its runs read no configuration of the
 * developer's (~/.npmrc, ~/.pypirc, ~/.m2/settings.xml, pip.conf, keyrings) and leave nothing
 * behind. Every run starts from a minimal environment: what a test passes, PATH, and this HOME.
 */
export interface ClientHome {
  /** The directory used as HOME; config files the toolkit writes live here. */
  readonly dir: string;
  /** Runs `command <args>` in `cwd` (default: the home, where no project's config applies). */
  run(
    command: string,
    args: readonly string[],
    options?: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; input?: string },
  ): Promise<CommandRun>;
  remove(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 120_000;

export async function createClientHome(label: string): Promise<ClientHome> {
  const dir = await makeTempDir(`${label}-home`);
  await mkdir(path.join(dir, '.config'), { recursive: true });
  const baseEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: dir,
    XDG_CONFIG_HOME: path.join(dir, '.config'),
    XDG_CACHE_HOME: path.join(dir, '.cache'),
    XDG_DATA_HOME: path.join(dir, '.local', 'share'),
    LANG: 'C.UTF-8',
  };
  if (process.env.TMPDIR) baseEnv.TMPDIR = process.env.TMPDIR;
  if (process.env.JAVA_HOME) baseEnv.JAVA_HOME = process.env.JAVA_HOME;
  return {
    dir,
    run(command, args, options = {}) {
      return runCommand(
        command,
        args,
        { ...baseEnv, ...options.env },
        { cwd: options.cwd ?? dir, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, input: options.input },
      );
    },
    remove: () => removeDir(dir),
  };
}
