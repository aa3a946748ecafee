import http, { type IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import httpProxy from 'http-proxy';
import { ApiError, OciError } from '@stowage/http';
import { FORWARDED_HEADERS, clientOrigin, forwardedValues, type ForwardedValues } from './forwarded-headers';
import type { UpstreamName } from './route-table';

export interface ForwarderOptions {
  upstreams: Record<UpstreamName, string>;
  trustForwardedHeaders: boolean;
}

/**
 * Streams requests to their service and responses back, never buffering a body: a 1 GiB layer
 * passes through in small chunks with back-pressure both ways (http-proxy pipes the streams).
 */
export function createForwarder(options: ForwarderOptions): {
  forward: (upstream: UpstreamName) => RequestHandler;
  close: () => void;
} {
  // Keep-alive sockets to the services; the services' keep-alive timeout is longer than ours.
  const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 512, timeout: 60_000 });
  const proxy = httpProxy.createProxyServer({ agent, xfwd: false, changeOrigin: false, ws: false });

  proxy.on('proxyReq', (proxyReq, req) => {
    const { values } = proxiedOf(req);
    // Only the gateway's own view of the client reaches the services.
    for (const name of FORWARDED_HEADERS) proxyReq.removeHeader(name);
    proxyReq.setHeader('X-Forwarded-For', values.for);
    proxyReq.setHeader('X-Forwarded-Host', values.host);
    proxyReq.setHeader('X-Forwarded-Proto', values.proto);
    proxyReq.setHeader('X-Forwarded-Port', values.port);
    proxyReq.setHeader('X-Request-Id', (req as Request).id);
  });

  proxy.on('proxyRes', (proxyRes, req) => {
    // A service that builds an absolute URL from its own address must not leak it: point the
    // client back at the origin it used.
    const location = proxyRes.headers.location;
    const { target, values } = proxiedOf(req);
    if (location && location.startsWith(target)) {
      proxyRes.headers.location = clientOrigin(values) + location.slice(target.length);
    }
  });

  const forward = (upstream: UpstreamName): RequestHandler => {
    const target = options.upstreams[upstream].replace(/\/$/, '');
    return (req, res, next) => {
      // Worked out once per request; both proxy events read it.
      const proxied: Proxied = { target, values: forwardedValues(req, options.trustForwardedHeaders) };
      (req as ProxiedRequest)[PROXIED] = proxied;
      proxy.web(req, res, { target }, (error: NodeJS.ErrnoException) => {
        // req.destroyed alone means nothing: a fully read request body is destroyed too.
        if (res.destroyed || req.socket.destroyed) {
          req.log.info('client went away during proxying', { upstream, code: error.code });
          return;
        }
        // The error boundary logs this once, with the cause.
        const failure = req.path.startsWith('/v2') ? new OciError('UNAVAILABLE', { upstream }) : badGateway();
        failure.cause = error;
        next(failure);
      });
    };
  };

  return { forward, close: () => agent.destroy() };
}

const PROXIED = Symbol('proxied');

interface Proxied {
  target: string;
  values: ForwardedValues;
}

type ProxiedRequest = IncomingMessage & { [PROXIED]?: Proxied };

function proxiedOf(req: IncomingMessage): Proxied {
  return (req as ProxiedRequest)[PROXIED]!;
}

function badGateway(): ApiError {
  return new ApiError(502, { message: '502 Bad Gateway' });
}
