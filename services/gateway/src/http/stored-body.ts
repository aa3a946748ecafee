import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { Request } from 'express';
import { BlobNotFoundError, RangeNotSatisfiableError, type BlobStore } from '@stowage/blob-store';
import { ApiError, OciError, storedBodyOf } from '@stowage/http';

/**
 * Opens the stored object a service's answer names as its body (see `answerWithStoredBody`).
 * The service found it a moment ago; if storage no longer has it (garbage collection won the
 * race), the client hears "not found" in its protocol's words, as it would from the service.
 */
export async function openStoredBody(
  storage: Pick<BlobStore, 'get'>,
  serviceHeaders: IncomingHttpHeaders,
  req: Request,
): Promise<{ content: Readable; length: number }> {
  const stored = storedBodyOf(serviceHeaders);
  if (!stored) throw new Error('the service named no stored body');
  if (stored.length === 0) return { content: Readable.from([]), length: 0 };
  try {
    const end = stored.start + stored.length - 1;
    return { content: await storage.get(stored.key, { start: stored.start, end }), length: stored.length };
  } catch (error) {
    if (error instanceof BlobNotFoundError || error instanceof RangeNotSatisfiableError) {
      throw req.path.startsWith('/v2') ? new OciError('BLOB_UNKNOWN') : ApiError.notFound('File');
    }
    throw error;
  }
}
