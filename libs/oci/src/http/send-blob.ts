import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { OciError } from '@stowage/http';

export interface BlobToSend {
  digest: string;
  size: number;
}

/** One byte range of a blob, or the whole of it. */
function requestedRange(req: Request, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  if (!req.headers.range) return null;
  const ranges = req.range(size);
  if (ranges === -1) return 'unsatisfiable';
  // Malformed or several ranges: serve the whole blob, as HTTP allows.
  if (ranges === -2 || ranges === undefined || ranges.length !== 1) return null;
  return { start: ranges[0]!.start, end: ranges[0]!.end };
}

/** The headers of every blob response: blobs are immutable, so clients may cache them for good. */
export function describeBlob(res: Response, digest: string): void {
  res.setHeader('Docker-Content-Digest', digest);
  res.setHeader('ETag', `"${digest}"`);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Cache-Control', 'max-age=31536000');
}

/**
 * Answers `GET|HEAD .../blobs/<digest>` with the blob's bytes (or one `Range` of them).
 * `open` is called before any header is set, so a blob that storage lost answers as JSON
 * (the caller's error), not typed as the blob's bytes and cacheable for a year.
 */
export async function sendBlob(
  req: Request,
  res: Response,
  blob: BlobToSend,
  open: (range?: { start: number; end: number }) => Promise<Readable>,
): Promise<void> {
  const range = requestedRange(req, blob.size);
  if (range === 'unsatisfiable') {
    describeBlob(res, blob.digest);
    res.setHeader('Content-Range', `bytes */${blob.size}`);
    throw new OciError('RANGE_INVALID', { size: blob.size });
  }
  const content = req.method === 'HEAD' || blob.size === 0 ? null : await open(range ?? undefined);
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
