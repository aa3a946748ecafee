import { join } from 'node:path';
import { describeWithComponents, POSTGRES_URL } from '@stowage/testing';
import { createPrismaClient, migrate, openDatabase } from '@stowage/db';
import { GadgetsClient, GADGETS_SCHEMA } from './support/fixture-services';
import { makeTempDir, removeDir } from './support/temp-dir';
import { PGLITE_STARTUP_TIMEOUT_MS } from './support/timeouts';

const GADGET_MIGRATIONS = join(__dirname, 'fixtures', 'gadgets', 'migrations');

describe('openDatabase', () => {
  it('when neither a url nor a dataDir is given, then it refuses', async () => {
    await expect(openDatabase({})).rejects.toThrow(/url or a PGlite dataDir/);
  });

  it('when the PostgreSQL server cannot be reached, then checkHealth rejects', async () => {
    const db = await openDatabase({ url: 'postgresql://postgres@127.0.0.1:1/test' });
    try {
      await expect(db.checkHealth()).rejects.toThrow();
    } finally {
      await db.close();
    }
  });

  describe('with PGlite', () => {
    let dir: string;

    beforeEach(async () => {
      dir = await makeTempDir('pglite-reopen');
    });

    afterEach(async () => {
      await removeDir(dir);
    });

    it(
      'when rows are written and PGlite is closed, then reopening the directory finds them and the migrations applied',
      async () => {
        const dataDir = join(dir, 'nested', 'pglite');
        const first = await openDatabase({ dataDir });
        expect(first.kind).toBe('pglite');
        await migrate(first, { schema: GADGETS_SCHEMA, migrationsDir: GADGET_MIGRATIONS });
        const client = createPrismaClient(GadgetsClient, first);
        await client.gadget.create({ data: { name: 'survivor' } });
        await client.$disconnect();
        await first.close();

        const second = await openDatabase({ dataDir });
        try {
          await expect(second.checkHealth()).resolves.toBeUndefined();
          const again = await migrate(second, { schema: GADGETS_SCHEMA, migrationsDir: GADGET_MIGRATIONS });
          const { rows } = await second.query<{ name: string }>(
            `SELECT name FROM "fixture_gadgets"."gadgets"`,
          );

          expect(again.applied).toEqual([]);
          expect(rows).toEqual([{ name: 'survivor' }]);
        } finally {
          await second.close();
        }
        await expect(second.checkHealth()).rejects.toThrow();
      },
      2 * PGLITE_STARTUP_TIMEOUT_MS,
    );
  });
});

describeWithComponents(['postgres'], 'openDatabase with PostgreSQL', () => {
  it('when a url is given, then it is a pg pool that answers checkHealth and runs transactions', async () => {
    const db = await openDatabase({ url: POSTGRES_URL });
    try {
      expect(db.kind).toBe('postgres');
      await expect(db.checkHealth()).resolves.toBeUndefined();
      const inside = await db.transaction(
        async (tx) => (await tx.query<{ n: number }>('SELECT 2 AS n')).rows,
      );
      expect(inside).toEqual([{ n: 2 }]);
    } finally {
      await db.close();
    }
  });
});
