import path from 'node:path';
import type { ManagedBlobStore } from '@stowage/blob-store';
import { createBus, type Bus } from '@stowage/bus';
import type { InfrastructureConfig } from '@stowage/config';
import { openDatabase, type Database } from '@stowage/db';
import type { Logger } from '@stowage/logging';
import { openConfiguredBlobStore } from './blob-storage';

/** The shared adapters a service runs on: one database, one bus, one blob store. */
export interface Infrastructure {
  db: Database;
  bus: Bus;
  blobs: ManagedBlobStore;
  /** Closes what `openInfrastructure` opened; call after every service using it has stopped. */
  close(): Promise<void>;
}

/** The database the configuration selects: PostgreSQL at DATABASE_URL, else PGlite under DATA_DIR. */
export function openConfiguredDatabase(
  config: Pick<InfrastructureConfig, 'databaseUrl' | 'dataDir'>,
  logger: Logger,
): Promise<Database> {
  return openDatabase(
    config.databaseUrl
      ? { url: config.databaseUrl, logger }
      : { dataDir: path.join(config.dataDir, 'pglite'), initdbInChildProcess: true },
  );
}

/**
 * Builds the adapters the configuration selects: PostgreSQL, RabbitMQ and S3 when their URLs
 * are set (distributed mode), otherwise PGlite, an in-process bus and files under DATA_DIR
 * (standalone mode). Each mode picks adapters here (and the blob store in blob-storage.ts) and
 * nowhere else.
 */
export async function openInfrastructure(
  config: InfrastructureConfig,
  options: { service: string; logger: Logger },
): Promise<Infrastructure> {
  const db = await openConfiguredDatabase(config, options.logger);
  const bus = createBus({
    amqpUrl: config.amqpUrl || undefined,
    prefix: config.amqpPrefix,
    logger: options.logger,
    connectionName: options.service,
  });
  const blobs = openConfiguredBlobStore(config);
  try {
    await blobs.initialize();
  } catch (error) {
    await Promise.allSettled([bus.close(), db.close()]);
    throw error;
  }
  return {
    db,
    bus,
    blobs,
    async close() {
      await bus.close();
      await blobs.close();
      await db.close();
    },
  };
}
