import type { InfrastructureConfig, LoggingConfig } from '@stowage/config';
import { migrate } from '@stowage/db';
import { createLogger, type Logger } from '@stowage/logging';
import { openConfiguredDatabase, openInfrastructure, type Infrastructure } from './infrastructure';
import { runMain, type Stoppable } from './run-main';
import { keepWasmOnBaselineCompiler } from './wasm-memory';

export interface ServiceStartContext<C> {
  config: C;
  logger: Logger;
  infra: Infrastructure;
}

/**
 * `main.ts` of a service in distributed mode: parse config, open this process's own adapters,
 * start the service, and on SIGTERM stop it before closing the adapters.
 */
export function runServiceMain<C extends InfrastructureConfig & LoggingConfig>(
  name: string,
  loadConfig: () => C,
  start: (context: ServiceStartContext<C>) => Promise<Stoppable>,
): void {
  keepWasmOnBaselineCompiler();
  runMain(name, async () => {
    const config = loadConfig();
    const logger = createLogger({ service: name, level: config.logLevel });
    if (!config.amqpUrl) logger.warn('AMQP_URL is empty: events stay inside this process');
    const infra = await openInfrastructure(config, { service: name, logger });
    let service: Stoppable;
    try {
      service = await start({ config, logger, infra });
    } catch (error) {
      await infra.close();
      throw error;
    }
    return {
      logger,
      service: {
        async stop() {
          await service.stop();
          await infra.close();
        },
      },
    };
  });
}

/**
 * `migrate.ts` of a service: applies its pending migrations and exits (Kubernetes runs it as a
 * Job before rolling out, so no two service versions race on the schema).
 */
export function runMigrateMain<C extends InfrastructureConfig & LoggingConfig>(
  name: string,
  loadConfig: () => C,
  target: { schema: string; migrationsDir: string },
): void {
  runMain(`${name} migrate`, async () => {
    const config = loadConfig();
    const logger = createLogger({ service: name, level: config.logLevel });
    // Only the database: a migration Job should not need the bus or the bucket to be up.
    const db = await openConfiguredDatabase(config, logger);
    try {
      const { applied } = await migrate(db, { ...target, logger });
      logger.info('migrations applied', { schema: target.schema, applied });
    } finally {
      await db.close();
    }
    process.exit(0);
  });
}
