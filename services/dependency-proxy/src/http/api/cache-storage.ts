import type { RequestHandler } from 'express';
import { groupCacheStorage } from '@stowage/dependency-proxy-data';
import type { ProxyApiContext } from './api-context';
import { readableGroup } from './group-grant';

/**
 * `GET /groups/:id/dependency_proxy/storage` (beyond GitLab's REST; its GraphQL has the same
 * figures as dependencyProxyTotalSize, ImageCount and BlobCount): who may list the cached
 * manifests may see how much they take.
 */
export function getCacheStorage(ctx: ProxyApiContext): RequestHandler {
  return async (req, res) => {
    const group = await readableGroup(ctx, req, res);
    const storage = await groupCacheStorage(ctx.prisma, group.id);
    res.json({
      total_size: storage.totalSize,
      image_count: storage.imageCount,
      blob_count: storage.blobCount,
    });
  };
}
