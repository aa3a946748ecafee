import { Counter, type Metrics } from '@stowage/http';
import type { CacheOutcome } from './manifest-cache';

export interface ProxyMetrics {
  /** A manifest or blob request answered, by how the cache served it. */
  served(kind: 'manifest' | 'blob', outcome: CacheOutcome): void;
  /** One HTTP request to an upstream (HEAD, GET, TOKEN), by its outcome (status or `error`). */
  upstreamRequest(upstream: string, method: string, outcome: string): void;
  /** Blob bytes sent to clients, from the cache or as they arrived from an upstream. */
  bytesServed(source: 'cache' | 'upstream', length: number): void;
}

/** The proxy's series, on the service's registry (`stowage_dependency_proxy_*`). */
export function createProxyMetrics(metrics: Metrics): ProxyMetrics {
  const registers = [metrics.registry];
  const counter = (name: string, help: string, labelNames: string[]) =>
    new Counter({ name: `stowage_dependency_proxy_${name}`, help, labelNames, registers });
  const hits = counter('cache_hits_total', 'Requests served from the cache as they were.', ['kind']);
  const misses = counter('cache_misses_total', 'Requests that fetched from an upstream.', ['kind']);
  const stale = counter(
    'stale_serves_total',
    'Requests served from the cache because the upstream failed (unreachable, 5xx, 429).',
    ['kind'],
  );
  const upstream = counter('upstream_requests_total', 'HTTP requests made to upstream registries.', [
    'upstream',
    'method',
    'outcome',
  ]);
  const bytes = counter('bytes_served_total', 'Blob bytes sent to clients, by where they came from.', [
    'source',
  ]);
  const byOutcome = { hit: hits, miss: misses, stale };
  return {
    served: (kind, outcome) => byOutcome[outcome].inc({ kind }),
    upstreamRequest: (name, method, outcome) => upstream.inc({ upstream: name, method, outcome }),
    bytesServed: (source, length) => bytes.inc({ source }, length),
  };
}
