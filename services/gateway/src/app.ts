import type { RequestListener } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { BlobStore } from '@stowage/blob-store';
import { Counter, createServiceApp, gitlabErrorFormat, ociErrorFormat, type Metrics } from '@stowage/http';
import type { Logger } from '@stowage/logging';
import { csrfGuard } from './http/csrf-guard';
import { createForwarder } from './http/forwarder';
import { handOffInProcess } from './http/in-process-hand-off';
import { upstreamReadinessChecks } from './http/readiness';
import { resolveUpstream, ROUTES, type UpstreamName } from './http/route-table';
import { serveWebUi, type WebUi } from './http/web-ui';

export interface GatewayDeps {
  logger: Logger;
  metrics: Metrics;
  /** The public URL: browsers' writes must come from its origin (CSRF, ADR 0013). */
  externalUrl: string;
  upstreams: Record<UpstreamName, string>;
  /** Services running in this process (standalone mode): their requests skip the loopback hop. */
  inProcess?: Partial<Record<UpstreamName, RequestListener>>;
  trustForwardedHeaders: boolean;
  upstreamConnectTimeoutMs: number;
  upstreamIdleTimeoutMs: number;
  /** The services' blob storage: forwarded downloads that name a stored body are sent from it. */
  storedBodies?: Pick<BlobStore, 'get'>;
  /** The built web UI, served for page URLs a browser opens; null when it was not built. */
  webUi?: WebUi | null;
  isAccepting?: () => boolean;
}

/** The only public entry point: health of its own, then every route forwarded to its owner. */
export function createApp(deps: GatewayDeps) {
  const storedBodyBytes = new Counter({
    name: 'stowage_gateway_stored_body_bytes_total',
    help: 'Bytes of response bodies the gateway sent from blob storage itself instead of relaying them, by service (ADR 0012).',
    labelNames: ['upstream'],
    registers: [deps.metrics.registry],
  });
  const forwarder = createForwarder({
    upstreams: deps.upstreams,
    trustForwardedHeaders: deps.trustForwardedHeaders,
    connectTimeoutMs: deps.upstreamConnectTimeoutMs,
    idleTimeoutMs: deps.upstreamIdleTimeoutMs,
    storedBodies: deps.storedBodies,
    onStoredBodySent: (upstream, bytes) => storedBodyBytes.inc({ upstream }, bytes),
  });
  const app = createServiceApp({
    logger: deps.logger,
    metrics: deps.metrics,
    health: { checks: upstreamReadinessChecks(deps.upstreams), isAccepting: deps.isAccepting },
    errorFormat: (req: Request) => (req.path.startsWith('/v2') ? ociErrorFormat : gitlabErrorFormat),
    routes: (router) => {
      if (deps.webUi) router.use(serveWebUi(deps.webUi));
      const handlers = new Map<UpstreamName, RequestHandler>();
      for (const { upstream } of ROUTES) {
        const local = deps.inProcess?.[upstream];
        handlers.set(
          upstream,
          local ? handOffInProcess(local, deps.trustForwardedHeaders) : forwarder.forward(upstream),
        );
      }
      router.use(csrfGuard(deps.externalUrl));
      // One lookup in the route table rather than one express route per entry: every forwarded
      // request used to walk the list in express's router, a measurable share of a manifest GET.
      router.use((req, res, next) => {
        const upstream = resolveUpstream(req.path);
        if (!upstream) return next();
        void handlers.get(upstream)!(req, res, next);
      });
    },
  });
  return { app, close: forwarder.close };
}
