import type { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import { answerWithStoredBody, gatewaySendsStoredBodies, OciError, sendBody } from '@stowage/http';

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

export interface SendBlobOptions {
  /**
   * The blob's storage key, when a gateway that offers to may send the bytes itself
   * (`answerWithStoredBody`). A caller that must see storage's own "not found" (to fetch the blob
   * again, say) leaves it out: the gateway would answer that 404 instead.
   */
  storedKey?: string;
}

/**
 * Answers `GET|HEAD .../blobs/<digest>` with the blob's bytes (or one `Range` of them), and
 * resolves with how many bytes the body holds (sent here or by the gateway; 0 for HEAD).
 * `open` is called before any header is set, so a blob that storage lost answers as JSON
 * (the caller's error), not typed as the blob's bytes and cacheable for a year.
 */
export async function sendBlob(
  req: Request,
  res: Response,
  blob: BlobToSend,
  open: (range?: { start: number; end: number }) => Promise<Readable>,
  options: SendBlobOptions = {},
): Promise<number> {
  const range = requestedRange(req, blob.size);
  if (range === 'unsatisfiable') {
    describeBlob(res, blob.digest);
    res.setHeader('Content-Range', `bytes */${blob.size}`);
    throw new OciError('RANGE_INVALID', { size: blob.size });
  }
  const hasBody = req.method !== 'HEAD' && blob.size > 0;
  // The key of the object the gateway is to send, when this response delegates its body.
  const delegatedKey = hasBody && gatewaySendsStoredBodies(req) ? options.storedKey : undefined;
  const content = hasBody && delegatedKey === undefined ? await open(range ?? undefined) : null;
  describeBlob(res, blob.digest);
  res.type('application/octet-stream');
  const start = range?.start ?? 0;
  const length = range ? range.end - range.start + 1 : blob.size;
  if (range) {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${blob.size}`);
  }
  if (delegatedKey !== undefined) {
    answerWithStoredBody(res, { key: delegatedKey, start, length });
    return length;
  }
  res.setHeader('Content-Length', String(length));
  if (!content) {
    res.end();
    return 0;
  }
  await sendBody(content, res);
  return length;
}
