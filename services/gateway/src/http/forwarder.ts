import http from 'node:http';
import type { Request, RequestHandler } from 'express';
import httpProxy from 'http-proxy';
import { ApiError, OciError } from '@stowage/http';
import { clientOrigin, forwardedValues, stripForwardedHeaders } from './forwarded-headers';
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
    const incoming = req as Request;
    const values = forwardedValues(incoming, options.trustForwardedHeaders);
    for (const name of [
      'forwarded',
      'x-forwarded-for',
      'x-forwarded-host',
      'x-forwarded-proto',
      'x-forwarded-port',
    ]) {
      proxyReq.removeHeader(name);
    }
    proxyReq.setHeader('X-Forwarded-For', values.for);
    proxyReq.setHeader('X-Forwarded-Host', values.host);
    proxyReq.setHeader('X-Forwarded-Proto', values.proto);
    proxyReq.setHeader('X-Forwarded-Port', values.port);
    proxyReq.setHeader('X-Request-Id', incoming.id);
  });

  proxy.on('proxyRes', (proxyRes, req) => {
    // A service that builds an absolute URL from its own address must not leak it: point the
    // client back at the origin it used.
    const location = proxyRes.headers.location;
    const target = (req as Request & { upstreamTarget?: string }).upstreamTarget;
    if (location && target && location.startsWith(target)) {
      const origin = clientOrigin(forwardedValues(req, options.trustForwardedHeaders));
      proxyRes.headers.location = origin + location.slice(target.length);
    }
  });

  const forward = (upstream: UpstreamName): RequestHandler => {
    const target = options.upstreams[upstream].replace(/\/$/, '');
    return (req, res, next) => {
      (req as Request & { upstreamTarget?: string }).upstreamTarget = target;
      if (!options.trustForwardedHeaders) stripForwardedHeaders(req.headers);
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

function badGateway(): ApiError {
  return new ApiError(502, { message: '502 Bad Gateway' });
}
