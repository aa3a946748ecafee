import type { Response } from 'express';
import { listCachedTags, type ProxyGroupSettings } from '@stowage/dependency-proxy-data';
import type { ProxyContext } from './proxy-context';
import type { ProxyRoute } from './proxy-paths';

/**
 * `GET .../dependency_proxy/containers/<image>/tags/list`: the tags this group has cached. A
 * cache lists what it holds (GitLab's proxy lists nothing); `skopeo inspect` asks for it.
 */
export async function listTags(
  ctx: ProxyContext,
  route: ProxyRoute,
  settings: ProxyGroupSettings,
  res: Response,
): Promise<void> {
  const tags = await listCachedTags(ctx.db, settings.groupId, route.image);
  res.json({ name: route.name, tags });
}
