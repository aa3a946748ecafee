import type { BlobStore } from '@stowage/blob-store';
import type { ProxyDb } from '@stowage/dependency-proxy-data';
import type { BlobFetches } from '../domain/blob-fetches';
import type { ManifestCache } from '../domain/manifest-cache';
import type { ProxyMetrics } from '../domain/proxy-metrics';
import type { PullAccessContext } from './pull-access';

/** What the pull handlers work with. */
export interface ProxyContext extends PullAccessContext {
  db: ProxyDb;
  blobs: BlobStore;
  manifests: ManifestCache;
  fetches: BlobFetches;
  metrics: ProxyMetrics;
}

/** Says how a response was served: `hit`, `miss`, or `stale` (the upstream failed). */
export const CACHE_HEADER = 'X-Dependency-Proxy-Cache';
