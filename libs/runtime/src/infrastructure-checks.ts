import type { ReadinessCheck } from '@stowage/http';
import type { Infrastructure } from './infrastructure';

/**
 * Readiness checks of the shared adapters a service runs on. Requests need the database and blob
 * storage; the bus is optional, since events wait in the outbox while the broker is down (a
 * request that must enqueue a job answers 503 on its own).
 */
export function infrastructureChecks(infra: Pick<Infrastructure, 'db' | 'bus' | 'blobs'>): {
  checks: Record<'database' | 'storage', ReadinessCheck>;
  optionalChecks: Record<'bus', ReadinessCheck>;
} {
  return {
    checks: {
      database: () => infra.db.checkHealth(),
      storage: () => infra.blobs.checkHealth(),
    },
    optionalChecks: {
      bus: async () => {
        await Promise.all([infra.bus.events.checkHealth(), infra.bus.jobs.checkHealth()]);
      },
    },
  };
}
