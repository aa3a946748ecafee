import { join } from 'node:path';
import { createPrismaClient, migrate, type Database } from '@stowage/db';
import { PrismaClient as GadgetsClient } from '../fixtures/generated/gadgets/client';
import { PrismaClient as WidgetsClient } from '../fixtures/generated/widgets/client';

export { GadgetsClient, WidgetsClient };

export const WIDGETS_SCHEMA = 'fixture_widgets';
export const GADGETS_SCHEMA = 'fixture_gadgets';

const FIXTURES = join(__dirname, '..', 'fixtures');

/** Migrates both fixture "services" into `db`, as each service does at start-up. */
export async function migrateFixtures(db: Database): Promise<void> {
  await migrate(db, { schema: WIDGETS_SCHEMA, migrationsDir: join(FIXTURES, 'widgets', 'migrations') });
  await migrate(db, { schema: GADGETS_SCHEMA, migrationsDir: join(FIXTURES, 'gadgets', 'migrations') });
}

export interface FixtureClients {
  widgets: WidgetsClient;
  gadgets: GadgetsClient;
}

/** One generated client per fixture service, all on the same database. */
export function createFixtureClients(db: Database): FixtureClients {
  return { widgets: createPrismaClient(WidgetsClient, db), gadgets: createPrismaClient(GadgetsClient, db) };
}

export async function disconnectFixtureClients(clients: FixtureClients | undefined): Promise<void> {
  await clients?.widgets.$disconnect();
  await clients?.gadgets.$disconnect();
}
