import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { BlobNotFoundError } from '@stowage/blob-store';
import {
  findCachedBlob,
  forgetCachedBlob,
  proxyBlobKey,
  touchCachedBlob,
  type ProxyGroupSettings,
} from '@stowage/dependency-proxy-data';
import { gatewaySendsStoredBodies, OciError } from '@stowage/http';
import { describeBlob, digestProblem, sendBlob } from '@stowage/oci';
import { BlobNotUpstreamError, type BlobFetch } from '../domain/blob-fetches';
import { holdLastChunk } from '../domain/hold-last-chunk';
import { asUpstreamOutage, type CacheOutcome } from '../domain/manifest-cache';
import { CACHE_HEADER, type ProxyContext } from './proxy-context';
import type { ProxyRoute } from './proxy-paths';

/** `GET|HEAD .../dependency_proxy/containers/<image>/blobs/<digest>`: the cache first, else one shared upstream fetch. */
export async function getBlob(
  ctx: ProxyContext,
  route: ProxyRoute,
  settings: ProxyGroupSettings,
  req: Request,
  res: Response,
): Promise<void> {
  const digest = route.reference;
  const problem = digestProblem(digest);
  if (problem) throw new OciError('DIGEST_INVALID', { digest, reason: problem });
  const { groupId } = settings;

  const entry = await findCachedBlob(ctx.db, groupId, digest);
  if (entry) {
    if (await sendCached(ctx, req, res, digest, Number(entry.size), 'hit')) {
      await touchCachedBlob(ctx.db, entry);
      return;
    }
    // Storage lost the object (a purge raced this read): fetch it again.
    await forgetCachedBlob(ctx.db, entry);
  }
  const targets = ctx.groups.targets(settings, route.image);
  if (targets.length === 0)
    throw new OciError('NAME_UNKNOWN', { reason: 'no upstream registry is configured' });

  const streams = req.method === 'GET' && !req.headers.range;
  const { fetch, leader } = ctx.fetches.join(groupId, digest, targets, streams);
  if (leader && streams) return streamFromUpstream(ctx, fetch, digest, res);
  const { size } = await settled(fetch.committed, digest);
  if (!(await sendCached(ctx, req, res, digest, size, 'miss')))
    throw new OciError('BLOB_UNKNOWN', { digest });
}

/** The leader's response: the bytes as they arrive, the last chunk held until the digest checks out. */
async function streamFromUpstream(ctx: ProxyContext, fetch: BlobFetch, digest: string, res: Response) {
  const { size } = await settled(fetch.started, digest);
  const live = fetch.takeLive()!;
  ctx.metrics.served('blob', 'miss');
  describeBlob(res, digest);
  res.setHeader(CACHE_HEADER, 'miss');
  res.type('application/octet-stream');
  if (size !== null) res.setHeader('Content-Length', String(size));
  res.status(200);
  await pipeline(live, holdLastChunk(fetch.committed), res);
}

/** Sends the cached object; false when storage does not have it (nothing was sent then). */
async function sendCached(
  ctx: ProxyContext,
  req: Request,
  res: Response,
  digest: string,
  size: number,
  outcome: CacheOutcome,
): Promise<boolean> {
  const key = proxyBlobKey(digest);
  // A gateway that sends the body itself could only answer 404 if a purge removed the object
  // meanwhile, so look first: a missing object is fetched from upstream again instead.
  const delegates = req.method === 'GET' && gatewaySendsStoredBodies(req);
  if (delegates && !(await ctx.blobs.stat(key))) return false;
  res.setHeader(CACHE_HEADER, outcome);
  let bodyBytes: number;
  try {
    const options = delegates ? { storedKey: key } : {};
    bodyBytes = await sendBlob(req, res, { digest, size }, (range) => ctx.blobs.get(key, range), options);
  } catch (error) {
    if (error instanceof BlobNotFoundError && !res.headersSent) return false;
    throw error;
  }
  ctx.metrics.served('blob', outcome);
  ctx.metrics.bytesServed('cache', bodyBytes);
  return true;
}

/** A fetch's failure as the client is told it: not upstream → 404, anything else → 503. */
async function settled<T>(promise: Promise<T>, digest: string): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof BlobNotUpstreamError) throw new OciError('BLOB_UNKNOWN', { digest });
    throw asUpstreamOutage('upstream', error);
  }
}
