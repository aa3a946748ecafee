import { Client } from 'pg';
import { describeWithComponents, POSTGRES_URL, uniqueName } from '@stowage/testing';
import { DatabaseUnavailableError, isDatabaseOutage, openDatabase, type Database } from '@stowage/db';
import {
  createFixtureClients,
  disconnectFixtureClients,
  migrateFixtures,
  type FixtureClients,
} from './support/fixture-services';
import { describePrismaContract } from './support/prisma-contract';

/** Runs one statement on the shared server's `test` database (CREATE/DROP DATABASE). */
async function onServer(sql: string): Promise<void> {
  const admin = new Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

describeWithComponents(['postgres'], 'Prisma clients on one PostgreSQL pool', () => {
  // The fixture schemas have fixed names (they are in schema.prisma), so this file gets a
  // database of its own rather than a unique schema.
  const database = uniqueName('db_prisma');
  let db: Database;
  let clients: FixtureClients;

  beforeAll(async () => {
    await onServer(`CREATE DATABASE "${database}"`);
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${database}`;
    db = await openDatabase({ url: url.toString() });
    await migrateFixtures(db);
    clients = createFixtureClients(db);
  });

  afterAll(async () => {
    await disconnectFixtureClients(clients);
    await db?.close();
    await onServer(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

  describePrismaContract({ db: () => db, clients: () => clients });

  it('when one client is disconnected, then the shared pool stays open for the others', async () => {
    const extra = createFixtureClients(db);
    await extra.gadgets.gadget.count();

    await disconnectFixtureClients(extra);

    expect(await clients.gadgets.gadget.count()).toEqual(expect.any(Number));
    await expect(db.checkHealth()).resolves.toBeUndefined();
  });
});

describe('Prisma clients when PostgreSQL cannot be reached', () => {
  // Port 9 (discard) refuses on loopback: a database server that is down.
  let db: Database;
  let clients: FixtureClients;

  beforeAll(async () => {
    db = await openDatabase({ url: 'postgresql://postgres@127.0.0.1:9/none' });
    clients = createFixtureClients(db);
  });

  afterAll(async () => {
    await disconnectFixtureClients(clients);
    await db.close();
  });

  it('when queries, transactions, raw SQL and the SQL runner are tried, then each rejects with DatabaseUnavailableError', async () => {
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['model query', () => clients.widgets.widget.findFirst()],
      ['interactive transaction', () => clients.widgets.$transaction(async (tx) => tx.widget.count())],
      ['batch transaction', () => clients.widgets.$transaction([clients.widgets.widget.count()])],
      ['raw query', () => clients.widgets.$queryRawUnsafe('SELECT 1')],
      ['SqlRunner query', () => db.query('SELECT 1')],
      ['SqlRunner transaction', () => db.transaction((tx) => tx.query('SELECT 1'))],
      ['health check', () => db.checkHealth()],
    ];
    for (const [name, call] of calls) {
      const error = await call().then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect({ name, error }).toEqual({ name, error: expect.any(DatabaseUnavailableError) });
    }
  });

  it('when an error is not about reaching the server, then it is not called an outage', () => {
    const uniqueViolation = Object.assign(new Error('duplicate key'), { code: 'P2002' });
    const syntax = Object.assign(new Error('syntax error'), { code: '42601', severity: 'ERROR' });

    expect([isDatabaseOutage(uniqueViolation), isDatabaseOutage(syntax)]).toEqual([false, false]);
    expect(isDatabaseOutage(Object.assign(new Error('terminating'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseOutage(new Error('Connection terminated unexpectedly'))).toBe(true);
  });
});
