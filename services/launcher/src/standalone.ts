import { createLogger } from '@stowage/logging';
import { openInfrastructure, runMain } from '@stowage/runtime';
import { lockDataDir } from './data-dir-lock';
import { loadStandaloneConfig } from './standalone-config';
import { startAll } from './start-all';

/** `pnpm start`: the whole suite in one process on embedded defaults. */
runMain('stowage', async () => {
  const config = loadStandaloneConfig();
  const logger = createLogger({ service: 'stowage', level: config.logLevel });
  const unlock = config.databaseUrl ? () => undefined : lockDataDir(config.dataDir);
  let infra;
  let suite;
  try {
    infra = await openInfrastructure(config, { service: 'stowage', logger });
    suite = await startAll(config, infra, logger);
  } catch (error) {
    await infra?.close();
    unlock();
    throw error;
  }
  const openedInfra = infra;
  logger.info('stowage is ready', {
    url: config.externalUrl,
    listening: suite.gateway.http.url,
    dataDir: config.dataDir,
  });
  const running = suite;
  return {
    logger,
    service: {
      async stop() {
        await running.stop();
        await openedInfra.close();
        unlock();
      },
    },
  };
});
