import { createLogger } from '@stowage/logging';
import { runMain } from '@stowage/runtime';
import { loadGatewayConfig } from './config';
import { startGateway } from './service';

runMain('gateway', async () => {
  const config = loadGatewayConfig();
  const logger = createLogger({ service: 'gateway', level: config.logLevel });
  const service = await startGateway(
    {
      ...config,
      upstreams: {
        'auth-token': config.authTokenUrl,
        registry: config.registryUrl,
        'dependency-proxy': config.dependencyProxyUrl,
        'package-registry': config.packageRegistryUrl,
      },
    },
    logger,
  );
  return { service, logger };
});
