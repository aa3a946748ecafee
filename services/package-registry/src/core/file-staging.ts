import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { PassThrough, type Readable } from 'node:stream';
import type { BlobStore } from '@stowage/blob-store';
import { packageUploadKey } from '@stowage/package-registry-data';
import { HashingCounter, type FileDigests } from './file-hashes';
import { FileTooLargeError, IncompleteUploadError, PackageError } from './package-errors';

/** An upload in storage under its staging key, hashed, not yet part of any package. */
export interface StagedFile extends FileDigests {
  stagingKey: string;
}

export interface StageOptions {
  maxBytes: number;
  /** The length the client announced (Content-Length, a form's size field): anything else is refused. */
  expectedSize?: number;
}

/**
 * Streams `body` into storage under a fresh staging key while hashing it; the file is never held
 * whole in memory. Refuses with FileTooLargeError past `maxBytes` (or at once when the announced
 * size is over it) and IncompleteUploadError when the body ends short or breaks off; on any
 * failure the staging object is removed, so a refused upload leaves nothing behind.
 */
export async function stageFile(
  blobs: BlobStore,
  body: Readable,
  options: StageOptions,
): Promise<StagedFile> {
  const { maxBytes, expectedSize } = options;
  if (expectedSize !== undefined && expectedSize > maxBytes) throw new FileTooLargeError(maxBytes);
  const stagingKey = packageUploadKey(randomUUID());
  const counter = new HashingCounter(maxBytes);
  const out = new PassThrough();
  try {
    await Promise.all([
      pipeline(body, counter, out),
      blobs.put(stagingKey, out, expectedSize === undefined ? {} : { size: expectedSize }),
    ]);
    const digests = counter.digests();
    if (expectedSize !== undefined && digests.size !== expectedSize) throw new IncompleteUploadError();
    return { stagingKey, ...digests };
  } catch (error) {
    body.resume();
    await blobs.delete(stagingKey).catch(() => undefined);
    if (error instanceof PackageError) throw error;
    if (isClientAbort(error, body)) throw new IncompleteUploadError();
    throw error;
  }
}

/** A body that broke off (client gone, gateway cut it) is the client's failure, not ours. */
function isClientAbort(error: unknown, body: Readable): boolean {
  const code = (error as { code?: string } | null)?.code;
  return (
    code === 'ECONNRESET' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    (body as { aborted?: boolean }).aborted === true
  );
}

/** Removes a staged file that will not be published (a refusal after staging). */
export async function discardStaged(blobs: BlobStore, staged: StagedFile): Promise<void> {
  await blobs.delete(staged.stagingKey).catch(() => undefined);
}
