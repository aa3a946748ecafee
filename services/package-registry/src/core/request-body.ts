import type { Request } from 'express';
import { announcedLength } from './request-size';
import { FileTooLargeError, IncompleteUploadError } from './package-errors';

/**
 * Reads a small request body whole (a metadata document, a checksum), refusing it with
 * FileTooLargeError past `maxBytes` (at once when the announced length is over it) and with
 * IncompleteUploadError when it ends before the announced length or breaks off. Package files
 * never come through here: they stream to storage through stageFile.
 */
export async function readSmallBody(req: Request, maxBytes: number): Promise<Buffer> {
  const expected = announcedLength(req);
  if (expected !== undefined && expected > maxBytes) {
    req.resume();
    throw new FileTooLargeError(maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        req.resume();
        throw new FileTooLargeError(maxBytes);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof FileTooLargeError) throw error;
    throw new IncompleteUploadError();
  }
  if (expected !== undefined && size !== expected) throw new IncompleteUploadError();
  return Buffer.concat(chunks);
}
