import type { ReadinessCheck } from '@stowage/http';
import type { UpstreamName } from './route-table';

/**
 * The gateway is ready when every service behind it is ready: a gateway that accepts docker
 * pushes its registry cannot serve would only turn a clear 503 into confusing failures.
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
      await response.body?.cancel();
      if (!response.ok) throw new Error(`${name} answered ${response.status}`);
    };
  }
  return checks;
}
