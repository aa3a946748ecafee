import type { ReadinessCheck } from '@stowage/http';
import type { Infrastructure } from './infrastructure';

/** Readiness checks of the shared adapters a service runs on: database, bus and blob storage. */
export function infrastructureChecks(
  infra: Pick<Infrastructure, 'db' | 'bus' | 'blobs'>,
): Record<'database' | 'bus' | 'storage', ReadinessCheck> {
  return {
    database: () => infra.db.checkHealth(),
    bus: async () => {
      await Promise.all([infra.bus.events.checkHealth(), infra.bus.jobs.checkHealth()]);
    },
    storage: () => infra.blobs.checkHealth(),
  };
}
