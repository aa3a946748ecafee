import { randomBytes } from 'node:crypto';
import { access, cp, mkdir, rename, rm } from 'node:fs/promises';
import { initialisePgliteDataDir } from '../../src/pglite-initdb';

/**
 * Where jest.global-setup.js asks for this run's template cluster (jest.global-teardown.js
 * removes it). Unset when the tests run without that set-up: each database then runs initdb.
 */
const TEMPLATE_ENV = 'STOWAGE_TEST_PGLITE_TEMPLATE';

/**
 * A throwaway PGlite's first start on an empty directory is mostly initdb: 3-5 s on two busy
 * cores, which most integration test files paid once or twice in set-up, and a Jest worker that
 * runs it in-process keeps about 600 MB of WebAssembly memory for the rest of the run (see
 * pglite-initdb.ts). initdb writes the same cluster every time, so one run initialises it once,
 * in a child process, and each test database starts from a copy of it (about 0.1 s).
 *
 * Fills `dataDir` (missing or empty) with that cluster. Tests of initdb itself, and of a first
 * start, use an empty directory instead.
 */
export async function seedPgliteDataDir(dataDir: string): Promise<void> {
  const template = process.env[TEMPLATE_ENV];
  if (!template) return;
  await cp(await initialisedTemplate(template), dataDir, { recursive: true });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The template, initialised by whichever test file needs it first. Workers may race: each builds
 * its own copy beside it and renames it into place, which is atomic, so a reader never sees a
 * half-written cluster; the loser removes its copy and uses the winner's.
 */
async function initialisedTemplate(template: string): Promise<string> {
  if (await exists(template)) return template;
  const building = `${template}.${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(building, { recursive: true });
    await initialisePgliteDataDir(building);
    await rename(building, template).catch(async (error: NodeJS.ErrnoException) => {
      if (!(await exists(template))) throw error;
    });
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  return template;
}
