import { createPrismaClient, migrate, type PrismaClientClass } from '@stowage/db';
import type { Logger } from '@stowage/logging';
import { OutboxRelay } from '@stowage/outbox';
import type { Infrastructure } from './infrastructure';

export interface ServiceData<C> {
  prisma: C;
  relay: OutboxRelay;
  /** Stops the relay (finishing its pass) and disconnects the client; the database stays open. */
  close(): Promise<void>;
}

/**
 * What every service that owns tables sets up first: its schema migrated (unless a migration
 * Job does that), its Prisma client on the shared database, and the relay of its outbox.
 */
export async function openServiceData<C extends { $disconnect(): Promise<void> }>(options: {
  infra: Pick<Infrastructure, 'db' | 'bus'>;
  PrismaClient: PrismaClientClass<C>;
  schema: string;
  migrationsDir: string;
  migrateOnStart: boolean;
  logger: Logger;
}): Promise<ServiceData<C>> {
  const { infra, schema, logger } = options;
  if (options.migrateOnStart)
    await migrate(infra.db, { schema, migrationsDir: options.migrationsDir, logger });
  const prisma = createPrismaClient(options.PrismaClient, infra.db);
  const relay = new OutboxRelay({ db: infra.db, schema, events: infra.bus.events, logger });
  relay.start();
  return {
    prisma,
    relay,
    async close() {
      await relay.stop();
      await prisma.$disconnect();
    },
  };
}
