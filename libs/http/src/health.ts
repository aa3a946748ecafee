import { Router } from 'express';
import type { Metrics } from './metrics';

/**
 * A readiness check: resolves when the dependency works, rejects with the reason otherwise. It may
 * resolve with `{ degraded }` when the dependency serves but reports trouble of its own (the
 * gateway passes on a service's degraded broker this way).
 */
export type ReadinessCheck = () => Promise<void | { degraded: string }>;

export interface HealthOptions {
  /** Dependencies requests cannot do without (database, storage, the services behind a gateway). */
  checks: Record<string, ReadinessCheck>;
  /**
   * Dependencies the service serves without for a while (the broker: events wait in the outbox).
   * A failure reports `degraded` in the body and the metric but keeps readiness at 200, so an
   * outage of one of them does not take every replica out of the load balancer.
   */
  optionalChecks?: Record<string, ReadinessCheck>;
  /** A check that has not answered after this long counts as failed. */
  timeoutMs?: number;
  /** False while the service is starting or shutting down; readiness then fails. */
  isAccepting?: () => boolean;
  /** Where `stowage_dependency_up` is recorded at every readiness check. */
  metrics?: Pick<Metrics, 'dependencyUp'>;
}

type CheckStatus = { status: 'ok' } | { status: 'degraded' | 'failed'; message: string };

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const result = await Promise.race([check(), timeout]);
    return result ? { status: 'degraded', message: result.degraded } : { status: 'ok' };
  } catch (error) {
    return { status: 'failed', message: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/-/health` says the process is alive (liveness: no dependency checks, so a database outage
 * does not restart every pod); `/-/readiness` says it can serve traffic: 200 when every required
 * check passes (`status` is `degraded` when an optional one failed), 503 otherwise.
 */
export function healthRouter(options: HealthOptions): Router {
  const router = Router();
  const timeoutMs = options.timeoutMs ?? 3000;
  const required = Object.entries(options.checks);
  const optional = Object.entries(options.optionalChecks ?? {});
  router.get('/-/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/-/readiness', async (req, res) => {
    const all = [...required, ...optional];
    const results = await Promise.all(all.map(([, check]) => runCheck(check, timeoutMs)));
    const checks: Record<string, CheckStatus> = {};
    results.forEach((result, i) => {
      const name = all[i]![0];
      // A failed optional dependency is what "degraded" means for the service as a whole.
      checks[name] =
        i >= required.length && result.status === 'failed' ? { ...result, status: 'degraded' } : result;
      options.metrics?.dependencyUp.set({ dependency: name }, result.status === 'failed' ? 0 : 1);
    });
    const accepting = options.isAccepting ? options.isAccepting() : true;
    const statuses = Object.values(checks).map((check) => check.status);
    const ready = accepting && !statuses.includes('failed');
    const status = !ready ? 'failed' : statuses.includes('degraded') ? 'degraded' : 'ok';
    if (status !== 'ok') req.log?.warn(ready ? 'degraded' : 'not ready', { checks, accepting });
    res.status(ready ? 200 : 503).json({ status, accepting, checks });
  });
  return router;
}
