import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openDatabase } from '@stowage/db';
import { initialisePgliteDataDir } from '../src/pglite-initdb';
import { makeTempDir, removeDir } from './support/temp-dir';
import { PGLITE_STARTUP_TIMEOUT_MS } from './support/timeouts';

describe('initialisePgliteDataDir (initdb in a child process)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await makeTempDir('pglite-initdb');
  });

  afterEach(async () => {
    await removeDir(dir);
  });

  it(
    'when the directory is empty, then the child leaves an initialised cluster that opens and keeps rows across a restart',
    async () => {
      await initialisePgliteDataDir(dir);
      expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);

      const first = await openDatabase({ dataDir: dir });
      await first.exec('CREATE TABLE kept (name text)');
      await first.query('INSERT INTO kept VALUES ($1)', ['first start']);
      await first.close();

      const restarted = await openDatabase({ dataDir: dir });
      try {
        const { rows } = await restarted.query<{ name: string }>('SELECT name FROM kept');
        expect(rows).toEqual([{ name: 'first start' }]);
      } finally {
        await restarted.close();
      }
    },
    3 * PGLITE_STARTUP_TIMEOUT_MS,
  );

  it(
    'when the directory already holds a cluster, then it is left as it is',
    async () => {
      const db = await openDatabase({ dataDir: dir });
      await db.exec('CREATE TABLE kept (name text)');
      await db.query('INSERT INTO kept VALUES ($1)', ['before']);
      await db.close();

      await initialisePgliteDataDir(dir);

      const reopened = await openDatabase({ dataDir: dir });
      try {
        const { rows } = await reopened.query<{ name: string }>('SELECT name FROM kept');
        expect(rows).toEqual([{ name: 'before' }]);
      } finally {
        await reopened.close();
      }
    },
    3 * PGLITE_STARTUP_TIMEOUT_MS,
  );

  it(
    'when initdb cannot write the directory, then the error names it and carries the child’s message',
    async () => {
      const notADirectory = join(dir, 'file');
      await writeFile(notADirectory, 'not a cluster');

      await expect(initialisePgliteDataDir(notADirectory)).rejects.toThrow(
        new RegExp(`PGlite initdb in ${notADirectory} failed: .+`),
      );
    },
    PGLITE_STARTUP_TIMEOUT_MS,
  );
});
