import { Router } from 'express';

/** A readiness check: resolves when the dependency works, rejects with the reason otherwise. */
export type ReadinessCheck = () => Promise<void>;

export interface HealthOptions {
  /** Checks of the service's real dependencies (database, bus, storage, upstream services). */
  checks: Record<string, ReadinessCheck>;
  /** A check that has not answered after this long counts as failed. */
  timeoutMs?: number;
  /** False while the service is starting or shutting down; readiness then fails. */
  isAccepting?: () => boolean;
}

function withTimeout(check: ReadinessCheck, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    check().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * `/-/health` says the process is alive (liveness: no dependency checks, so a database outage
 * does not restart every pod); `/-/readiness` says it can serve traffic (every check passes).
 */
export function healthRouter(options: HealthOptions): Router {
  const router = Router();
  const timeoutMs = options.timeoutMs ?? 3000;
  router.get('/-/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/-/readiness', async (req, res) => {
    const names = Object.keys(options.checks);
    const results = await Promise.allSettled(
      names.map((name) => withTimeout(options.checks[name]!, timeoutMs)),
    );
    const checks: Record<string, { status: 'ok' | 'failed'; message?: string }> = {};
    results.forEach((result, i) => {
      checks[names[i]!] =
        result.status === 'fulfilled'
          ? { status: 'ok' }
          : { status: 'failed', message: result.reason.message };
    });
    const accepting = options.isAccepting ? options.isAccepting() : true;
    const ready = accepting && results.every((r) => r.status === 'fulfilled');
    if (!ready) req.log?.warn('not ready', { checks, accepting });
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'failed', accepting, checks });
  });
  return router;
}
