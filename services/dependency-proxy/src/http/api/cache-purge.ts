import type { RequestHandler } from 'express';
import { PROXY_CACHE_PURGE_QUEUE, type ProxyGroupJob } from '@stowage/dependency-proxy-data';
import { ApiError } from '@stowage/http';
import type { ProxyApiContext } from './api-context';
import { administeredGroup } from './group-grant';

/** `DELETE /groups/:id/dependency_proxy/cache` (Owner): 202, and the cleanup-worker empties the cache. */
export function purgeCache(ctx: ProxyApiContext): RequestHandler {
  return async (req, res) => {
    const group = await administeredGroup(ctx, req, res);
    const job: ProxyGroupJob = { group_id: group.id };
    try {
      await ctx.jobs.enqueue(PROXY_CACHE_PURGE_QUEUE, job);
    } catch (error) {
      const failure = new ApiError(503, { message: '503 Service Unavailable' });
      failure.cause = error;
      throw failure;
    }
    res.status(202).end();
  };
}
