import type { Readable } from 'node:stream';

/**
 * Port for the shared S3-compatible blob storage, modelled on distribution's StorageDriver.
 * Keys are slash-separated relative paths (`registry/blobs/sha256/ab/abcd...`); adapters reject
 * with InvalidBlobKeyError keys that are empty, absolute, or hold backslashes, NUL, empty or
 * `.`/`..` segments, so no caller can escape its prefix.
 */
export interface BlobInfo {
  key: string;
  size: number;
  modifiedAt: Date;
}

/**
 * Inclusive byte range, as in HTTP `Range: bytes=start-end`; `end` omitted means to the end.
 * An `end` past the last byte is clamped to it (as HTTP does); a `start` at or past the end of the
 * object rejects with RangeNotSatisfiableError (so any range on an empty object does).
 */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface PutOptions {
  /** Stored as the object's Content-Type where the adapter can (S3); the filesystem ignores it. */
  contentType?: string;
  /**
   * Exact byte length of a streamed body, when known. S3 then streams it straight through in one
   * request (up to 5 GiB); without it S3 buffers the stream in parts (up to 32 MiB at a time).
   */
  size?: number;
}

export interface UploadPartOptions {
  /**
   * Exact byte length of a streamed body, when known. S3 needs every part's length up front: with
   * it the part streams straight through; without it the S3 adapter spools the part to a temporary
   * file first.
   */
  size?: number;
}

export interface UploadPart {
  partNumber: number;
  etag: string;
  size: number;
}

export interface BlobStore {
  /** Stores `body` under `key`, replacing any existing object. Readers never see a partial object. */
  put(key: string, body: Readable | Buffer, options?: PutOptions): Promise<BlobInfo>;
  /**
   * Streams the object, or the given byte range of it (see ByteRange). Rejects with
   * BlobNotFoundError, or RangeNotSatisfiableError when the range starts past the end. The stream
   * may have a `recycle(chunk)` method: a consumer that has written a chunk out may hand it back
   * for reuse (`@stowage/http`'s relayBody does), which spares the process its allocation.
   */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** Size and time of the object, or null when it does not exist. */
  stat(key: string): Promise<BlobInfo | null>;
  /** Removes the object; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Every object whose key starts with `prefix`, in key order (UTF-8 byte order, as S3 lists).
   * The prefix is a plain string prefix: `a/b` also matches `a/bc/x`; use `a/b/` for a folder.
   */
  list(prefix: string): AsyncIterable<BlobInfo>;
  /**
   * Moves an object to a new key, replacing any object there (used to commit a verified upload to
   * its digest key). Rejects with BlobNotFoundError when `fromKey` does not exist.
   */
  move(fromKey: string, toKey: string): Promise<void>;
  /** Starts a resumable multipart upload that will become `key`; returns its upload id. */
  createMultipartUpload(key: string): Promise<string>;
  /**
   * Stores one part. Parts other than the last must be at least `minPartSize` bytes (S3's rule);
   * callers buffer smaller chunks themselves.
   */
  uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable | Buffer,
    options?: UploadPartOptions,
  ): Promise<UploadPart>;
  /**
   * Joins the parts, in part-number order, into the object `key`. Rejects with UploadNotFoundError,
   * or InvalidUploadPartError when a named part is missing, has another etag, or is too small.
   */
  completeMultipartUpload(key: string, uploadId: string, parts: UploadPart[]): Promise<BlobInfo>;
  /** Discards the upload and its parts; aborting an upload that no longer exists is not an error. */
  abortMultipartUpload(key: string, uploadId: string): Promise<void>;
  /** Smallest part size accepted for a non-final part. */
  readonly minPartSize: number;
  /** A time-limited URL a client can GET directly, or null when the adapter cannot presign. */
  presignGet(key: string, expiresInSeconds: number): Promise<string | null>;
  /** Resolves when storage is reachable and writable; rejects with the reason otherwise. */
  checkHealth(): Promise<void>;
}

/** What a service's main.ts holds: the port plus its start-up and shutdown. */
export interface ManagedBlobStore extends BlobStore {
  /** Prepares storage at start-up (creates the bucket or the root directory when missing). Idempotent. */
  initialize(): Promise<void>;
  /** Releases connections and handles; the store must not be used afterwards. */
  close(): Promise<void>;
}
