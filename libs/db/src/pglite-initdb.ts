import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * PGlite's first start on an empty directory runs initdb in a second, temporary PostgreSQL
 * instance. Node keeps what that grew (about 600 MB of WebAssembly memory and compiled code,
 * still resident after `close()`) for the life of the process. Run in a child process that exits
 * when done, initdb returns all of it to the system; the caller then opens the initialised
 * directory as it would on any restart.
 */
export async function initialisePgliteDataDir(dataDir: string): Promise<void> {
  if (await isInitialised(dataDir)) return;
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--eval', CHILD_SCRIPT, require.resolve('@electric-sql/pglite'), dataDir],
      // Only what PGlite itself needs: the child neither inherits the parent's flags nor preloads.
      { env: { ...process.env, NODE_OPTIONS: '' }, maxBuffer: 1024 * 1024 },
      (error, _stdout, stderr) =>
        error
          ? reject(new Error(`PGlite initdb in ${dataDir} failed: ${stderr.trim() || error.message}`))
          : resolve(),
    );
  });
}

/** PostgreSQL writes PG_VERSION into every data directory it has initialised. */
async function isInitialised(dataDir: string): Promise<boolean> {
  try {
    await access(join(dataDir, 'PG_VERSION'));
    return true;
  } catch {
    return false;
  }
}

// argv: [node, <PGlite's CommonJS entry>, <dataDir>]. Creating the instance runs initdb;
// closing it checkpoints, so the directory is complete when the process exits.
const CHILD_SCRIPT = `
const { PGlite } = require(process.argv[1]);
PGlite.create({ dataDir: process.argv[2] })
  .then((pg) => pg.close())
  .catch((error) => { console.error(error && error.stack || error); process.exit(1); });
`;
