import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { uniqueName } from '@stowage/testing';
import { migrate, MigrationError, type Database, type MigrationErrorReason } from '@stowage/db';
import { ADD_ITEM_NAME, CREATE_ITEMS, HALF_BROKEN, MigrationDirs } from './migration-dirs';

/** How the contract reaches the database under test. */
export interface MigrateContractTarget {
  /** The database the suite runs against (opened in the caller's beforeAll). */
  db(): Database;
  /** Another handle on the same database, as a second process would have one. */
  openPeer(): Promise<Database>;
  closePeer(peer: Database): Promise<void>;
}

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished: boolean;
  rolled_back: boolean;
  logs: string | null;
  applied_steps_count: number;
}

const FIRST = '20250101000000_items';
const SECOND = '20250102000000_item_name';
const THIRD = '20250103000000_half_broken';

/** The migration runner's behaviour, the same on PostgreSQL and PGlite. */
export function describeMigrateContract(target: MigrateContractTarget): void {
  let schema: string;
  let dirs: MigrationDirs;

  beforeEach(async () => {
    schema = uniqueName('db_migrate');
    dirs = await MigrationDirs.create();
  });

  afterEach(async () => {
    await target.db().exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dirs.dispose();
  });

  const run = (db: Database = target.db()) => migrate(db, { schema, migrationsDir: dirs.root });

  async function history(): Promise<HistoryRow[]> {
    const { rows } = await target.db().query<HistoryRow>(
      `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished,
              rolled_back_at IS NOT NULL AS rolled_back, logs, applied_steps_count
         FROM "${schema}"."_prisma_migrations" ORDER BY migration_name`,
    );
    return rows;
  }

  async function tableExists(table: string): Promise<boolean> {
    const { rows } = await target
      .db()
      .query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2`, [
        schema,
        table,
      ]);
    return rows.length === 1;
  }

  async function expectRefusal(
    reason: MigrationErrorReason,
    migrationName: string | undefined,
  ): Promise<void> {
    const error: unknown = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ reason, schema, migrationName });
  }

  async function writeBoth(): Promise<void> {
    // Written newest first, so the order applied cannot come from the directory listing.
    await dirs.write(SECOND, ADD_ITEM_NAME, schema);
    await dirs.write(FIRST, CREATE_ITEMS, schema);
  }

  it('when the schema does not exist, then it creates it with Prisma’s _prisma_migrations table', async () => {
    const result = await run();

    expect(result.applied).toEqual([]);
    const { rows } = await target.db().query<{ column_name: string; data_type: string; is_nullable: string }>(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      [schema],
    );
    expect(rows).toEqual([
      { column_name: 'id', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'checksum', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
      { column_name: 'migration_name', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'logs', data_type: 'text', is_nullable: 'YES' },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
      { column_name: 'started_at', data_type: 'timestamp with time zone', is_nullable: 'NO' },
      { column_name: 'applied_steps_count', data_type: 'integer', is_nullable: 'NO' },
    ]);
  });

  it('when migrations are pending, then it applies them in lexical order and records each as Prisma does', async () => {
    await writeBoth();

    const result = await run();

    expect(result.applied).toEqual([FIRST, SECOND]);
    expect(await history()).toEqual([
      expect.objectContaining({ migration_name: FIRST, finished: true, rolled_back: false, logs: null }),
      expect.objectContaining({ migration_name: SECOND, finished: true, rolled_back: false, logs: null }),
    ]);
    expect((await history()).map((row) => row.applied_steps_count)).toEqual([1, 1]);
  });

  it('when run again, then it applies nothing and records nothing more', async () => {
    await writeBoth();
    await run();

    const second = await run();

    expect(second.applied).toEqual([]);
    expect(await history()).toHaveLength(2);
  });

  it('when a migration is recorded, then its checksum is the SHA-256 of the migration.sql bytes', async () => {
    await writeBoth();
    await run();

    const expected = createHash('sha256')
      .update(await readFile(dirs.path(FIRST)))
      .digest('hex');
    expect((await history())[0]?.checksum).toBe(expected);
  });

  it('when an applied migration.sql is edited, then it refuses to run and applies nothing more', async () => {
    await dirs.write(FIRST, CREATE_ITEMS, schema);
    await run();
    await dirs.write(FIRST, CREATE_ITEMS + '-- edited\n', schema);
    await dirs.write(SECOND, ADD_ITEM_NAME, schema);

    await expectRefusal('checksum-mismatch', FIRST);
    expect(await history()).toHaveLength(1);
  });

  it('when an applied migration.sql only gains CRLF line endings, then it is still accepted', async () => {
    await dirs.write(FIRST, CREATE_ITEMS, schema);
    await run();
    const original = await readFile(dirs.path(FIRST), 'utf8');
    await writeFile(dirs.path(FIRST), original.replaceAll('\n', '\r\n'));

    expect((await run()).applied).toEqual([]);
  });

  it('when an applied migration’s directory is gone, then it refuses to run', async () => {
    await writeBoth();
    await run();
    await dirs.remove(SECOND);

    await expectRefusal('missing-locally', SECOND);
  });

  it('when the database records a migration that never finished, then it refuses to run', async () => {
    await writeBoth();
    await run();
    await target
      .db()
      .query(`UPDATE "${schema}"."_prisma_migrations" SET finished_at = NULL WHERE migration_name = $1`, [
        SECOND,
      ]);

    await expectRefusal('failed-in-database', SECOND);
  });

  it('when a migration was marked rolled back, then it is applied again', async () => {
    await writeBoth();
    await run();
    await target
      .db()
      .exec(`DROP INDEX "${schema}"."items_name_idx"; ALTER TABLE "${schema}"."items" DROP COLUMN "name"`);
    await target
      .db()
      .query(`UPDATE "${schema}"."_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = $1`, [
        SECOND,
      ]);

    expect((await run()).applied).toEqual([SECOND]);
    expect((await history()).filter((row) => row.migration_name === SECOND)).toHaveLength(2);
  });

  it('when a migration fails, then its tables and its row are rolled back and earlier ones stay', async () => {
    await writeBoth();
    await dirs.write(THIRD, HALF_BROKEN, schema);

    await expectRefusal('apply-failed', THIRD);

    expect(await tableExists('items')).toBe(true);
    expect(await tableExists('half')).toBe(false);
    expect((await history()).map((row) => row.migration_name)).toEqual([FIRST, SECOND]);
  });

  it('when the migrations directory does not exist, then it refuses to run', async () => {
    await dirs.dispose();

    await expectRefusal('unreadable', undefined);
  });

  it('when two runners start at once, then each migration is applied exactly once', async () => {
    const names = ['20250101000000_a', '20250102000000_b', '20250103000000_c', '20250104000000_d'];
    for (const [i, name] of names.entries()) {
      // Plain CREATE TABLE: a second application would fail loudly.
      await dirs.write(name, `CREATE TABLE {{schema}}."t${i}" ("id" INTEGER);\n`, schema);
    }
    const peer = await target.openPeer();
    try {
      const [first, second] = await Promise.all([run(), run(peer)]);

      expect([...first.applied, ...second.applied].sort()).toEqual(names);
      expect((await history()).map((row) => row.migration_name)).toEqual(names);
    } finally {
      await target.closePeer(peer);
    }
  });
}
