import type { RequestListener } from 'node:http';
import type { BlobStore } from '@stowage/blob-store';
import { createMetrics, startHttpServer, type HttpServerHandle } from '@stowage/http';
import type { Logger } from '@stowage/logging';
import { createApp } from './app';
import { upstreamTimeoutOptions, type GatewayConfig } from './config';
import type { UpstreamName } from './http/route-table';
import { builtWebUi, type WebUi } from './http/web-ui';

export interface RunningGateway {
  http: HttpServerHandle;
  stop(): Promise<void>;
}

/** Starts the gateway in front of already-running services. */
export async function startGateway(
  config: Pick<GatewayConfig, 'host' | 'port' | 'trustForwardedHeaders' | 'externalUrl'> &
    Partial<Pick<GatewayConfig, 'upstreamConnectTimeoutMs' | 'upstreamIdleTimeoutMs'>> & {
      upstreams: Record<UpstreamName, string>;
      /** Apps of services in this process, handed their requests directly (standalone mode). */
      inProcess?: Partial<Record<UpstreamName, RequestListener>>;
      /** The services' blob storage, when the gateway sends stored bodies itself. */
      storedBodies?: Pick<BlobStore, 'get'>;
      /** The web UI to serve; by default the one `pnpm run build` built, if any. */
      webUi?: WebUi | null;
    },
  logger: Logger,
  options: { collectProcessMetrics?: boolean } = {},
): Promise<RunningGateway> {
  let accepting = true;
  const webUi = config.webUi === undefined ? builtWebUi() : config.webUi;
  if (!webUi) logger.warn('the web UI is not built (pnpm run build): only the APIs are served');
  const { app, close } = createApp({
    logger,
    metrics: createMetrics({
      service: 'gateway',
      collectProcessMetrics: options.collectProcessMetrics ?? true,
    }),
    externalUrl: config.externalUrl,
    upstreams: config.upstreams,
    inProcess: config.inProcess,
    storedBodies: config.storedBodies,
    webUi,
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
