import { openDatabase, type Database } from '@stowage/db';
import { uniqueName } from '@stowage/testing';

/** A uniquely named database on a shared PostgreSQL server, created for one test file. */
export interface TestDatabase {
  name: string;
  /** URL of the new database, for the processes under test. */
  url: string;
  /** A connection to the new database, for the test's own queries. */
  db: Database;
  /** Closes the test's connection and drops the database, even with clients still connected. Safe to call twice. */
  drop(): Promise<void>;
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const admin = await openDatabase({ url: serverUrl, maxConnections: 1 });
  try {
    await admin.exec(sql);
  } finally {
    await admin.close();
  }
}

/**
 * Creates a database next to the one `serverUrl` names (which is only used to run CREATE and
 * DROP DATABASE), so the test owns every schema in it.
 */
export async function createTestDatabase(serverUrl: string, prefix = 'e2e'): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), maxConnections: 2 });
  let dropped: Promise<void> | undefined;
  const drop = () => {
    dropped ??= (async () => {
      await db.close().catch(() => undefined);
      await onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    })();
    return dropped;
  };
  return { name, url: url.toString(), db, drop };
}
