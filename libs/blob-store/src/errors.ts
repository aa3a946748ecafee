import { DependencyUnavailableError } from '@stowage/errors';

/**
 * Domain errors of the blob store. They carry no HTTP status: the HTTP layer of each service maps
 * them (BlobNotFoundError -> 404 BLOB_UNKNOWN, RangeNotSatisfiableError -> 416, ...). Adapters
 * translate their vendor's errors into these.
 */
export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';

  constructor(readonly key: string) {
    super(`blob not found: ${key}`);
  }
}

/** A key (or list prefix) that could escape its prefix or that storage cannot hold. */
export class InvalidBlobKeyError extends Error {
  override readonly name = 'InvalidBlobKeyError';

  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`invalid blob key ${JSON.stringify(key)}: ${reason}`);
  }
}

/** The range starts at or beyond the end of the object (HTTP would answer 416 with `bytes *\/size`). */
export class RangeNotSatisfiableError extends Error {
  override readonly name = 'RangeNotSatisfiableError';

  constructor(
    readonly key: string,
    readonly start: number,
    readonly size: number,
  ) {
    super(`range starting at ${start} is not satisfiable for ${key} of ${size} bytes`);
  }
}

/** The multipart upload does not exist (never created, completed, aborted, or created for another key). */
export class UploadNotFoundError extends Error {
  override readonly name = 'UploadNotFoundError';

  constructor(readonly uploadId: string) {
    super(`multipart upload not found: ${uploadId}`);
  }
}

/** A part named at completion is missing, does not match its etag, or is too small; or a bad part number. */
export class InvalidUploadPartError extends Error {
  override readonly name = 'InvalidUploadPartError';

  constructor(
    readonly uploadId: string,
    readonly partNumber: number,
    readonly reason: string,
  ) {
    super(`invalid part ${partNumber} of upload ${uploadId}: ${reason}`);
  }
}

/**
 * Storage could not be reached, timed out, or answered with a server error (after the SDK's own
 * retries): an outage, not a bug and not a missing object. The HTTP layer answers 503.
 */
export class StorageUnavailableError extends DependencyUnavailableError {
  override readonly name = 'StorageUnavailableError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super('storage', message, options);
  }
}
