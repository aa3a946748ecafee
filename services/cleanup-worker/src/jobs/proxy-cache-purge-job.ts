import type { JobHandler } from '@stowage/bus';
import { parseProxyGroupJob, purgeGroupCache, PROXY_CACHE_PURGE_QUEUE } from '@stowage/dependency-proxy-data';
import { deleteUncachedObjects, type ProxyJobOptions } from './proxy-job-options';

/**
 * `dependency_proxy.cache.purge`: empties a group's cache, then deletes the objects no group
 * caches any more. A redelivery finds less (or nothing) to remove: the effect is the same.
 * A payload no producer writes is dropped (logged): retrying it could never succeed.
 */
export function proxyCachePurgeJob(options: ProxyJobOptions): JobHandler {
  return async (job) => {
    const payload = parseProxyGroupJob(job.payload);
    if (!payload) {
      options.logger.warn('malformed job dropped', { queue: PROXY_CACHE_PURGE_QUEUE, jobId: job.id });
      return;
    }
    const removed = await purgeGroupCache(options.proxy, payload.group_id, { batchSize: options.batchSize });
    options.metrics?.entriesRemoved.inc({ cause: 'purge', kind: 'manifest' }, removed.manifests);
    options.metrics?.entriesRemoved.inc({ cause: 'purge', kind: 'blob' }, removed.blobs);
    const objects = await deleteUncachedObjects(options);
    options.logger.info('dependency proxy cache purged', {
      groupId: payload.group_id,
      manifests: removed.manifests,
      blobs: removed.blobs,
      objectsDeleted: objects.deleted,
      jobId: job.id,
    });
  };
}
