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

  res.setHeader('Docker-Content-Digest', blob.digest);
  res.setHeader('ETag', `"${blob.digest}"`);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Cache-Control', 'max-age=31536000');
  if (ctx.blobRedirectSeconds > 0 && req.method === 'GET') {
    const url = await ctx.blobs.presignGet(blobKey(blob.digest), ctx.blobRedirectSeconds);
    if (url) {
      res.redirect(307, url);
      return;
    }
  }
  const range = requestedRange(req, blob.size);
  if (range === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${blob.size}`);
    throw new OciError('RANGE_INVALID', { size: blob.size });
  }
  res.type('application/octet-stream');
  if (range) {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${blob.size}`);
    res.setHeader('Content-Length', String(range.end - range.start + 1));
  } else {
    res.setHeader('Content-Length', String(blob.size));
  }
  if (req.method === 'HEAD' || blob.size === 0) {
    res.end();
    return;
  }
  const content = await ctx.blobs.get(blobKey(blob.digest), range ?? undefined);
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
