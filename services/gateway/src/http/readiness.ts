import type { ReadinessCheck } from '@stowage/http';
import type { UpstreamName } from './route-table';

/** The part of a service's `/-/readiness` answer the gateway reads. */
interface ServiceReadiness {
  status?: unknown;
  checks?: Record<string, { status?: unknown }>;
}

/**
 * The gateway is ready when every service behind it is ready: a gateway that accepts docker
 * pushes its registry cannot serve would only turn a clear 503 into confusing failures. A service
 * that serves but reports a degraded dependency (the broker) makes the gateway degraded, not
 * unready, by the same rule as the service's own readiness.
 */
export function upstreamReadinessChecks(
  upstreams: Record<UpstreamName, string>,
): Record<string, ReadinessCheck> {
  const checks: Record<string, ReadinessCheck> = {};
  for (const [name, url] of Object.entries(upstreams)) {
    checks[name] = async () => {
      const response = await fetch(`${url.replace(/\/$/, '')}/-/readiness`, {
        signal: AbortSignal.timeout(2500),
      });
      const body = (await response.json().catch(() => ({}))) as ServiceReadiness;
      if (!response.ok) throw new Error(`${name} answered ${response.status}`);
      if (body.status !== 'degraded') return;
      const degraded = Object.entries(body.checks ?? {})
        .filter(([, check]) => check.status === 'degraded')
        .map(([dependency]) => dependency);
      return { degraded: `${name} is degraded (${degraded.join(', ') || 'unknown'})` };
    };
  }
  return checks;
}
