import express, { Router, type Express, type RequestHandler } from 'express';
import type { Logger } from '@stowage/logging';
import { requestContext } from './request-context';
import { healthRouter, type HealthOptions } from './health';
import type { Metrics } from './metrics';
import { errorHandler, notFoundHandler, type ErrorFormatChoice } from './errors';
import { rejectMalformedUrl } from './reject-malformed-url';

export interface ServiceAppOptions {
  logger: Logger;
  metrics: Metrics;
  health: HealthOptions;
  /** Error format for routes nobody handles and for errors no route handled. */
  errorFormat: ErrorFormatChoice;
  /** Adds the service's own routes. */
  routes: (app: Express) => void;
}

/**
 * Where the frame's own routes live: health (`/-/health`, `/-/readiness`) and `/metrics`, matched
 * as loosely as express matches routes (any case, a trailing slash). Other paths under `/-/` (the
 * JWKS, say) still reach the service's routes.
 */
const FRAME_PATHS = /^\/(?:-\/|metrics\/?$)/i;

/**
 * `router` for the paths `pattern` matches, nothing for the others. Entering an express router
 * costs every request a set-up and a restore whether or not a route matches; one test of the path
 * spares all other requests that. (This, with the access line's level check in requestContext,
 * took a tenth off the instructions the frame spends per request.)
 */
function onlyUnder(pattern: RegExp, router: RequestHandler): RequestHandler {
  return (req, res, next) => (pattern.test(req.path) ? router(req, res, next) : next());
}

/**
 * The frame every service's app shares: request ids and logging, metrics, refusal of URLs that
 * do not decode, health, then the service's routes, then a 404 and the error boundary in the
 * service's error format.
 */
export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // Services are reached only through the gateway, which sets X-Forwarded-*; trusting it lets
  // req.protocol and req.ip reflect the real client.
  app.set('trust proxy', true);
  app.use(requestContext(options.logger));
  app.use(options.metrics.middleware);
  app.use(rejectMalformedUrl());
  app.use(
    onlyUnder(
      FRAME_PATHS,
      Router().use(healthRouter({ metrics: options.metrics, ...options.health }), options.metrics.router),
    ),
  );
  options.routes(app);
  app.use(notFoundHandler(options.errorFormat));
  app.use(errorHandler(options.errorFormat));
  return app;
}
