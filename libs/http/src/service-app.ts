import express, { type Express } from 'express';
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
  app.use(healthRouter({ metrics: options.metrics, ...options.health }));
  app.use(options.metrics.router);
  options.routes(app);
  app.use(notFoundHandler(options.errorFormat));
  app.use(errorHandler(options.errorFormat));
  return app;
}
