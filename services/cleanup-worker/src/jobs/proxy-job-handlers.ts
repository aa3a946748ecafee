import { PROXY_CACHE_PURGE_QUEUE, PROXY_TTL_RUN_QUEUE } from '@stowage/dependency-proxy-data';
import type { JobHandlers } from './job-handlers';
import { proxyCachePurgeJob } from './proxy-cache-purge-job';
import type { ProxyJobOptions } from './proxy-job-options';
import { proxyTtlRunJob } from './proxy-ttl-run-job';

/**
 * The dependency proxy's jobs: apart from the registry's (createJobHandlers) because they work on
 * another schema through another client; the service consumes both tables' queues.
 */
export function createProxyJobHandlers(options: ProxyJobOptions): JobHandlers {
  return {
    [PROXY_CACHE_PURGE_QUEUE]: proxyCachePurgeJob(options),
    [PROXY_TTL_RUN_QUEUE]: proxyTtlRunJob(options),
  };
}
