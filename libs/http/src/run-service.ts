import type { RequestListener } from 'node:http';
import type { Express } from 'express';
import type { Logger } from '@stowage/logging';
import type { ErrorFormatChoice } from './errors';
import type { ReadinessCheck } from './health';
import { startHttpServer, type HttpServerHandle, type ListenOptions } from './http-server';
import type { Metrics } from './metrics';
import { createServiceApp } from './service-app';

export interface ServiceOptions {
  name: string;
  listen: ListenOptions;
  logger: Logger;
  metrics: Metrics;
  errorFormat: ErrorFormatChoice;
  /** Readiness checks of the dependencies requests cannot do without. */
  checks: Record<string, ReadinessCheck>;
  /** Dependencies whose outage only degrades the service (see HealthOptions). */
  optionalChecks?: Record<string, ReadinessCheck>;
  routes: (app: Express) => void;
  /** Stops background work (consumers, relays) once no new requests arrive. */
  onStop?: () => Promise<void>;
}

export interface RunningService {
  name: string;
  http: HttpServerHandle;
  /**
   * The app behind `http`: standalone mode's gateway hands public requests to it in-process,
   * without a second HTTP hop over loopback.
   */
  handler: RequestListener;
  /** Readiness turns 503, in-flight requests finish, then background work stops. */
  stop(): Promise<void>;
}

/** Builds a service's app in the shared frame and listens. */
export async function runService(options: ServiceOptions): Promise<RunningService> {
  let accepting = true;
  const app = createServiceApp({
    logger: options.logger,
    metrics: options.metrics,
    health: { checks: options.checks, optionalChecks: options.optionalChecks, isAccepting: () => accepting },
    errorFormat: options.errorFormat,
    routes: options.routes,
  });
  const http = await startHttpServer(app, options.listen);
  options.logger.info(`${options.name} listening`, { on: http.boundTo, url: http.url });
  let stopping: Promise<void> | undefined;
  return {
    name: options.name,
    http,
    handler: app,
    stop() {
      stopping ??= (async () => {
        accepting = false;
        await http.close();
        await options.onStop?.();
      })();
      return stopping;
    },
  };
}
