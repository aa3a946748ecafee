import type { JobHandler } from '@stowage/bus';
import { parseProxyGroupJob, runTtlPolicy, PROXY_TTL_RUN_QUEUE } from '@stowage/dependency-proxy-data';
import { deleteUncachedObjects, type ProxyJobOptions } from './proxy-job-options';

/**
 * `dependency_proxy.ttl.run`: removes a group's entries unread for longer than its TTL policy
 * allows, as the policy is saved when the job runs (one turned off meanwhile removes nothing),
 * then deletes the objects no group caches any more. A redelivery removes nothing the first
 * delivery left but entries that went stale in between, which the next run would remove anyway.
 */
export function proxyTtlRunJob(options: ProxyJobOptions): JobHandler {
  return async (job) => {
    const payload = parseProxyGroupJob(job.payload);
    if (!payload) {
      options.logger.warn('malformed job dropped', { queue: PROXY_TTL_RUN_QUEUE, jobId: job.id });
      return;
    }
    const removed = await runTtlPolicy(options.proxy, payload.group_id, new Date(), {
      batchSize: options.batchSize,
    });
    if (!removed) {
      options.logger.info('dependency proxy TTL run skipped: the policy is off', {
        groupId: payload.group_id,
        jobId: job.id,
      });
      return;
    }
    options.metrics?.entriesRemoved.inc({ cause: 'ttl', kind: 'manifest' }, removed.manifests);
    options.metrics?.entriesRemoved.inc({ cause: 'ttl', kind: 'blob' }, removed.blobs);
    const objects = await deleteUncachedObjects(options);
    options.logger.info('dependency proxy TTL run', {
      groupId: payload.group_id,
      unreadSince: removed.unreadSince.toISOString(),
      manifests: removed.manifests,
      blobs: removed.blobs,
      objectsDeleted: objects.deleted,
      jobId: job.id,
    });
  };
}
