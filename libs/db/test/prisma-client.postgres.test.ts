import { Client } from 'pg';
import { describeWithComponents, POSTGRES_URL, uniqueName } from '@stowage/testing';
import { openDatabase, type Database } from '@stowage/db';
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
