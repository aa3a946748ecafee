import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { OciError } from '@stowage/http';
import { blobKey, findLinkedBlob, unlinkBlob } from '@stowage/registry-data';
import type { RegistryContext } from './registry-context';
import { existingRepository, requireDigest } from './repository-lookup';

/** One byte range of a blob, or the whole of it. */
function requestedRange(req: Request, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  if (!req.headers.range) return null;
  const ranges = req.range(size);
  if (ranges === -1) return 'unsatisfiable';
  // Malformed or several ranges: serve the whole blob, as HTTP allows.
  if (ranges === -2 || ranges === undefined || ranges.length !== 1) return null;
  return { start: ranges[0]!.start, end: ranges[0]!.end };
}

function describeBlob(res: Response, digest: string): void {
  res.setHeader('Docker-Content-Digest', digest);
  res.setHeader('ETag', `"${digest}"`);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Cache-Control', 'max-age=31536000');
}

/** `GET|HEAD /v2/<name>/blobs/<digest>`: the blob, if this repository has it, with Range support. */
export async function getBlob(
  ctx: RegistryContext,
  name: string,
  digestText: string,
  req: Request,
  res: Response,
) {
  requireDigest(digestText);
  const repository = await existingRepository(ctx.prisma, name, 'BLOB_UNKNOWN');
  const blob = await findLinkedBlob(ctx.prisma, repository.id, digestText);
  if (!blob) throw new OciError('BLOB_UNKNOWN', { digest: digestText });

  if (ctx.blobRedirectSeconds > 0 && req.method === 'GET') {
    const url = await ctx.blobs.presignGet(blobKey(blob.digest), ctx.blobRedirectSeconds);
    if (url) {
      describeBlob(res, blob.digest);
      res.redirect(307, url);
      return;
    }
  }
  const range = requestedRange(req, blob.size);
  if (range === 'unsatisfiable') {
    describeBlob(res, blob.digest);
    res.setHeader('Content-Range', `bytes */${blob.size}`);
    throw new OciError('RANGE_INVALID', { size: blob.size });
  }
  // Opened before any header is set: if storage lost a blob the database still links, the
  // BLOB_UNKNOWN goes out as JSON, not typed as the blob's bytes and cacheable for a year.
  const content =
    req.method === 'HEAD' || blob.size === 0
      ? null
      : await ctx.blobs.get(blobKey(blob.digest), range ?? undefined);
  describeBlob(res, blob.digest);
  res.type('application/octet-stream');
  if (range) {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${blob.size}`);
    res.setHeader('Content-Length', String(range.end - range.start + 1));
  } else {
    res.setHeader('Content-Length', String(blob.size));
  }
  if (!content) {
    res.end();
    return;
  }
  await pipeline(content, res);
}

/** `DELETE /v2/<name>/blobs/<digest>`: unlinks the blob from the repository. */
export async function deleteBlob(ctx: RegistryContext, name: string, digestText: string, res: Response) {
  requireDigest(digestText);
  const repository = await existingRepository(ctx.prisma, name, 'BLOB_UNKNOWN');
  if (!(await unlinkBlob(ctx.prisma, repository.id, digestText))) {
    throw new OciError('BLOB_UNKNOWN', { digest: digestText });
  }
  res.setHeader('Docker-Content-Digest', digestText);
  res.setHeader('Content-Length', '0');
  res.status(202).end();
}
