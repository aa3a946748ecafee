import type { RequestHandler } from 'express';
import { isDigest } from '@stowage/oci';
import { imageSizesOf, listCachedManifests } from '@stowage/dependency-proxy-data';
import { pageOf, setPaginationHeaders } from '@stowage/http';
import type { ProxyApiContext } from './api-context';
import { readableGroup } from './group-grant';

/**
 * `GET /groups/:id/dependency_proxy/manifests`: the group's cached images, most recently read
 * first. `size` is the manifest's own bytes; `total_size` the image's (see imageSizesOf).
 */
export function listManifests(ctx: ProxyApiContext): RequestHandler {
  return async (req, res) => {
    const group = await readableGroup(ctx, req, res);
    const page = pageOf(req);
    const { entries, total } = await listCachedManifests(ctx.prisma, group.id, page);
    const imageSizes = await imageSizesOf(ctx.prisma, group.id, entries);
    setPaginationHeaders(req, res, ctx.externalUrl, page, total);
    res.json(
      entries.map((entry) => ({
        id: Number(entry.id),
        image: entry.image,
        tag: isDigest(entry.reference) ? null : entry.reference,
        digest: entry.digest,
        media_type: entry.mediaType,
        size: entry.size,
        total_size: imageSizes.get(entry.id) ?? 0,
        upstream: entry.upstream,
        created_at: entry.createdAt.toISOString(),
        read_at: entry.readAt.toISOString(),
      })),
    );
  };
}
