import { openDatabase, type Database } from '@stowage/db';
import {
  createFixtureClients,
  disconnectFixtureClients,
  migrateFixtures,
  type FixtureClients,
} from './support/fixture-services';
import { describePrismaContract } from './support/prisma-contract';
import { makeTempDir, removeDir } from './support/temp-dir';
import { PGLITE_STARTUP_TIMEOUT_MS } from './support/timeouts';
import { seedPgliteDataDir } from './support/pglite-template';

describe('Prisma clients on one PGlite instance', () => {
  let dir: string;
  let db: Database;
  let clients: FixtureClients;

  beforeAll(async () => {
    dir = await makeTempDir('pglite-prisma');
    await seedPgliteDataDir(dir);
    db = await openDatabase({ dataDir: dir });
    await migrateFixtures(db);
    clients = createFixtureClients(db);
  }, PGLITE_STARTUP_TIMEOUT_MS);

  afterAll(async () => {
    await disconnectFixtureClients(clients);
    await db?.close();
    await removeDir(dir);
  });

  describePrismaContract({ db: () => db, clients: () => clients });

  it('when two clients run interactive transactions at once, then PGlite runs them one after the other', async () => {
    const events: string[] = [];
    const body = (label: string) => async () => {
      events.push(`${label} begin`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      events.push(`${label} end`);
    };

    await Promise.all([
      clients.widgets.$transaction(async (tx) => {
        await tx.widget.count();
        await body('widgets')();
      }),
      clients.gadgets.$transaction(async (tx) => {
        await tx.gadget.count();
        await body('gadgets')();
      }),
    ]);

    expect([events.slice(0, 2), events.slice(2)]).toEqual(
      expect.arrayContaining([
        ['widgets begin', 'widgets end'],
        ['gadgets begin', 'gadgets end'],
      ]),
    );
  });

  it('when a transaction outlasts the other client’s maxWait, then that client gives up and PGlite recovers', async () => {
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => (started = resolve));
    const held = clients.widgets.$transaction(
      async (tx) => {
        await tx.widget.count();
        started();
        await new Promise<void>((resolve) => (release = resolve));
      },
      { timeout: 10_000 },
    );
    await holding;

    await expect(
      clients.gadgets.$transaction(async (tx) => tx.gadget.count(), { maxWait: 100 }),
    ).rejects.toMatchObject({ code: 'P2028' });
    release();
    await held;

    expect(await clients.gadgets.$transaction(async (tx) => tx.gadget.count())).toEqual(expect.any(Number));
  });

  it('when a transaction queries through another client, then that query waits until the transaction times out', async () => {
    let outside: Promise<number> | undefined;

    const transaction = clients.widgets.$transaction(
      async (tx) => {
        await tx.widget.count();
        outside = clients.gadgets.gadget.count();
        await outside;
      },
      { timeout: 300 },
    );

    await expect(transaction).rejects.toMatchObject({ code: 'P2028' });
    await expect(outside).resolves.toEqual(expect.any(Number));
  });

  it('when one client is disconnected, then the other keeps working on the shared instance', async () => {
    const extra = createFixtureClients(db);
    await extra.gadgets.gadget.count();

    await disconnectFixtureClients(extra);

    expect(await clients.gadgets.gadget.count()).toEqual(expect.any(Number));
    await expect(db.checkHealth()).resolves.toBeUndefined();
  });
});
