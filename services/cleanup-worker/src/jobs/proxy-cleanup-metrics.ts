import { Counter, type Metrics } from '@stowage/http';

/** Why dependency proxy cache entries were removed: the group's purge or its TTL policy. */
export type ProxyRemovalCause = 'purge' | 'ttl';

/**
 * What cleaning the dependency proxy's cache reports to Prometheus, under `stowage_cleanup_`
 * beside the registry's cleanup jobs (purge and TTL are jobs of this worker too).
 */
export interface ProxyCleanupMetrics {
  /** Cache rows removed, by cause and kind (manifest, blob). */
  entriesRemoved: Counter<'cause' | 'kind'>;
  /** Objects removed from storage, by kind (blob: no group caches it; fetch: a crashed fetch's). */
  objectsDeleted: Counter<'kind'>;
}

export function createProxyCleanupMetrics(metrics: Metrics): ProxyCleanupMetrics {
  const registers = [metrics.registry];
  return {
    entriesRemoved: new Counter({
      name: 'stowage_cleanup_proxy_entries_removed_total',
      help: 'Dependency proxy cache entries removed, by cause (purge, ttl) and kind (manifest, blob).',
      labelNames: ['cause', 'kind'],
      registers,
    }),
    objectsDeleted: new Counter({
      name: 'stowage_cleanup_proxy_objects_deleted_total',
      help: 'Dependency proxy objects deleted from storage, by kind (blob: no group caches it any more; fetch: left by a crashed fetch).',
      labelNames: ['kind'],
      registers,
    }),
  };
}
