import { openDatabase, type Database } from '@stowage/db';
import { describeMigrateContract } from './support/migrate-contract';
import { makeTempDir, removeDir } from './support/temp-dir';
import { PGLITE_STARTUP_TIMEOUT_MS } from './support/timeouts';
import { seedPgliteDataDir } from './support/pglite-template';

describe('migrate on PGlite', () => {
  let dir: string;
  let db: Database;

  beforeAll(async () => {
    dir = await makeTempDir('pglite-migrate');
    await seedPgliteDataDir(dir);
    db = await openDatabase({ dataDir: dir });
  }, PGLITE_STARTUP_TIMEOUT_MS);

  afterAll(async () => {
    await db?.close();
    await removeDir(dir);
  });

  // Standalone mode has one PGlite per process, so a "second runner" shares the instance.
  describeMigrateContract({ db: () => db, openPeer: async () => db, closePeer: async () => undefined });
});
