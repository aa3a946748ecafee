import { FilesystemBlobStore } from './filesystem/filesystem-blob-store';
import type { ManagedBlobStore } from './ports';
import type { S3BlobStore, S3Options } from './s3/s3-blob-store';

export interface BlobStoreOptions {
  /** Use an S3-compatible bucket (distributed mode). */
  s3?: S3Options;
  /** Otherwise, keep blobs in this local folder (standalone mode). */
  directory?: string;
}

/** S3 when `s3` is given, the filesystem otherwise. Call `initialize()` on the result at start-up. */
export function createBlobStore(options: BlobStoreOptions): ManagedBlobStore {
  if (options.s3) return createS3BlobStore(options.s3);
  if (options.directory) return new FilesystemBlobStore({ directory: options.directory });
  throw new Error('createBlobStore needs either s3 options or a directory');
}

/**
 * An S3 store, its adapter loaded on first use: the AWS SDK adds about 21 MB to a process's
 * memory, which a process on filesystem storage (standalone mode, a shared volume) never needs.
 */
export function createS3BlobStore(options: S3Options): S3BlobStore {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose (above)
  const adapter = require('./s3/s3-blob-store') as typeof import('./s3/s3-blob-store');
  return new adapter.S3BlobStore(options);
}
