import type { Request, Response } from 'express';
import { OciError } from '@stowage/http';
import {
  findRepository,
  listReferrers,
  listRepositoryPaths,
  listTagNames,
  MEDIA_TYPES,
} from '@stowage/registry-data';
import type { RegistryContext } from './registry-context';
import { existingRepository, requireDigest } from './repository-lookup';

/** `_catalog` pages: distribution's default size, and a ceiling on what one request may ask. */
const CATALOG_DEFAULT_PAGE = 100;
const MAX_PAGE = 10_000;

interface Page {
  n?: number;
  last?: string;
}

function pageOf(req: Request): Page {
  const { n, last } = req.query;
  const page: Page = {};
  if (n !== undefined) {
    if (typeof n !== 'string' || !/^\d{1,9}$/.test(n)) throw new OciError('PAGINATION_NUMBER_INVALID', { n });
    page.n = Math.min(Number(n), MAX_PAGE);
  }
  if (typeof last === 'string' && last !== '') page.last = last;
  return page;
}

/**
 * One page of `n` from `fetched`, which holds up to n + 1 items (the extra one tells whether more
 * remain), with the spec's `Link` to the next page when they do.
 */
function pageOfItems(res: Response, path: string, fetched: string[], n: number | undefined): string[] {
  if (n === undefined || fetched.length <= n) return fetched;
  const items = fetched.slice(0, n);
  const query = new URLSearchParams({ last: items[items.length - 1]!, n: String(n) });
  res.setHeader('Link', `<${path}?${query.toString()}>; rel="next"`);
  return items;
}

/** `GET /v2/<name>/tags/list` */
export async function listTags(ctx: RegistryContext, name: string, req: Request, res: Response) {
  const page = pageOf(req);
  const repository = await existingRepository(ctx.prisma, name, 'NAME_UNKNOWN');
  const limit = page.n === undefined ? undefined : page.n + 1;
  const fetched =
    page.n === 0 ? [] : await listTagNames(ctx.prisma, repository.id, { last: page.last, limit });
  res.json({ name, tags: pageOfItems(res, `/v2/${name}/tags/list`, fetched, page.n) });
}

/** `GET /v2/_catalog` */
export async function listCatalog(ctx: RegistryContext, req: Request, res: Response) {
  const page = pageOf(req);
  const n = page.n ?? CATALOG_DEFAULT_PAGE;
  const fetched = n === 0 ? [] : await listRepositoryPaths(ctx.prisma, { last: page.last, limit: n + 1 });
  res.json({ repositories: pageOfItems(res, '/v2/_catalog', fetched, n) });
}

/** `GET /v2/<name>/referrers/<digest>[?artifactType=]`: an index of the manifests whose subject is it. */
export async function getReferrers(
  ctx: RegistryContext,
  name: string,
  digest: string,
  req: Request,
  res: Response,
) {
  requireDigest(digest);
  const artifactType = typeof req.query.artifactType === 'string' ? req.query.artifactType : undefined;
  // No repository means no referrers: the spec answers an empty index, not an error.
  const repository = await findRepository(ctx.prisma, name);
  const referrers = repository ? await listReferrers(ctx.prisma, repository.id, digest, artifactType) : [];
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: referrers.map((referrer) => ({
        mediaType: referrer.mediaType,
        digest: referrer.digest,
        size: referrer.size,
        ...(referrer.artifactType ? { artifactType: referrer.artifactType } : {}),
        ...(referrer.annotations ? { annotations: referrer.annotations } : {}),
      })),
    }),
  );
  if (artifactType) res.setHeader('OCI-Filters-Applied', 'artifactType');
  // Exactly the index's media type, as the spec asks and distribution answers: express's
  // res.send/res.json of a string would append `; charset=utf-8`.
  res.setHeader('Content-Type', MEDIA_TYPES.ociIndex);
  res.setHeader('Content-Length', String(index.length));
  res.status(200).end(index);
}
