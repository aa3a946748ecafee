import { createMetrics, startHttpServer, type HttpServerHandle } from '@stowage/http';
import type { Logger } from '@stowage/logging';
import { createApp } from './app';
import { upstreamTimeoutOptions, type GatewayConfig } from './config';

export interface RunningGateway {
  http: HttpServerHandle;
  stop(): Promise<void>;
}

/** Starts the gateway in front of already-running services. */
export async function startGateway(
  config: Pick<GatewayConfig, 'host' | 'port' | 'trustForwardedHeaders'> &
    Partial<Pick<GatewayConfig, 'upstreamConnectTimeoutMs' | 'upstreamIdleTimeoutMs'>> & {
      upstreams: Record<'auth-token' | 'registry' | 'dependency-proxy' | 'package-registry', string>;
    },
  logger: Logger,
  options: { collectProcessMetrics?: boolean } = {},
): Promise<RunningGateway> {
  let accepting = true;
  const { app, close } = createApp({
    logger,
    metrics: createMetrics({
      service: 'gateway',
      collectProcessMetrics: options.collectProcessMetrics ?? true,
    }),
    upstreams: config.upstreams,
    trustForwardedHeaders: config.trustForwardedHeaders,
    upstreamConnectTimeoutMs:
      config.upstreamConnectTimeoutMs ?? upstreamTimeoutOptions.upstreamConnectTimeoutMs.default,
    upstreamIdleTimeoutMs:
      config.upstreamIdleTimeoutMs ?? upstreamTimeoutOptions.upstreamIdleTimeoutMs.default,
    isAccepting: () => accepting,
  });
  const http = await startHttpServer(app, { host: config.host, port: config.port });
  logger.info('gateway listening', { on: http.boundTo, upstreams: config.upstreams });
  return {
    http,
    async stop() {
      accepting = false;
      await http.close();
      close();
    },
  };
}
