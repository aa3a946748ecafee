import type { RequestHandler } from 'express';
import { Router } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  /** This service's registry; services register their own counters on it. */
  registry: Registry;
  /** Records `http_request_duration_seconds` by method, route and status. */
  middleware: RequestHandler;
  /** Serves `GET /metrics` in Prometheus text format. */
  router: Router;
  /** Counts consumed events and jobs (`stowage_messages_consumed_total`). */
  messagesConsumed: Counter<'kind' | 'type'>;
  /** 1 when a dependency passed its last readiness check, 0 when it failed (`stowage_dependency_up`). */
  dependencyUp: Gauge<'dependency'>;
}

export interface MetricsOptions {
  service: string;
  /** Process-level metrics (CPU, memory, event loop); enable once per process. */
  collectProcessMetrics?: boolean;
}

/**
 * How often the event loop's delay is sampled. prom-client's default, 10 ms, wakes an idle process
 * 100 times a second: about 1% of a core for each service process doing nothing, taken from
 * whatever shares its cores (a `docker pull` extracting layers, in the benchmark). Stalls that
 * matter last far longer than 100 ms, and still show.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

/**
 * One registry per service rather than prom-client's global one: in standalone mode all services
 * share a process, and each must still expose only its own series.
 */
export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.collectProcessMetrics) {
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  }

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const messagesConsumed = new Counter({
    name: 'stowage_messages_consumed_total',
    help: 'Events and jobs this service has consumed, by kind and type.',
    labelNames: ['kind', 'type'],
    registers: [registry],
  });

  const dependencyUp = new Gauge({
    name: 'stowage_dependency_up',
    help: 'Whether a dependency (database, storage, broker, service) passed its last readiness check.',
    labelNames: ['dependency'],
    registers: [registry],
  });

  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      // The matched route pattern keeps label cardinality bounded; unmatched paths share one label.
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      end({ method: req.method, route: `${req.baseUrl}${route}`, status: String(res.statusCode) });
    });
    next();
  };

  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  });

  return { registry, middleware, router, messagesConsumed, dependencyUp };
}
