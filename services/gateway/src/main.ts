import { createLogger } from '@stowage/logging';
import { openConfiguredBlobStore, runMain } from '@stowage/runtime';
import { loadGatewayConfig } from './config';
import { startGateway } from './service';

runMain('gateway', async () => {
  const config = loadGatewayConfig();
  const logger = createLogger({ service: 'gateway', level: config.logLevel });
  // Read only: the services create the bucket or directory, and a request for a stored body
  // comes from a service that has just found it there.
  const storedBodies = config.sendStoredBodies ? openConfiguredBlobStore(config) : undefined;
  const gateway = await startGateway(
    {
      ...config,
      upstreams: {
        'auth-token': config.authTokenUrl,
        registry: config.registryUrl,
        'dependency-proxy': config.dependencyProxyUrl,
        'package-registry': config.packageRegistryUrl,
      },
      storedBodies,
    },
    logger,
  );
  const service = {
    async stop() {
      await gateway.stop();
      await storedBodies?.close();
    },
  };
  return { service, logger };
});
