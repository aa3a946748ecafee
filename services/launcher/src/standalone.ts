import { createLogger } from '@stowage/logging';
import { keepWasmOnBaselineCompiler, openInfrastructure, runMain } from '@stowage/runtime';
import { lockDataDir } from './data-dir-lock';
import { loadStandaloneConfig } from './standalone-config';
import { startAll } from './start-all';

/** `pnpm start`: the whole suite in one process on embedded defaults. */
keepWasmOnBaselineCompiler();
runMain('stowage', async () => {
  const config = loadStandaloneConfig();
  const logger = createLogger({ service: 'stowage', level: config.logLevel });
  const unlock = config.databaseUrl
    ? async () => undefined
    : await lockDataDir(config.dataDir, (error) => {
        // Another process may be writing the database now: stopping at once is the safe course.
        logger.error('lost the lock on DATA_DIR; exiting', { error, dataDir: config.dataDir });
        process.exit(1);
      });
  let infra;
  let suite;
  try {
    infra = await openInfrastructure(config, { service: 'stowage', logger });
    suite = await startAll(config, infra, logger);
  } catch (error) {
    await infra?.close();
    await unlock();
    throw error;
  }
  const openedInfra = infra;
  logger.info('stowage is ready', {
    url: config.externalUrl,
    listening: suite.gateway.http.boundTo,
    dataDir: config.dataDir,
  });
  const running = suite;
  return {
    logger,
    service: {
      async stop() {
        await running.stop();
        await openedInfra.close();
        await unlock();
      },
    },
  };
});
