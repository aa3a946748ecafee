import { FilesystemBlobStore } from './filesystem/filesystem-blob-store';
import type { ManagedBlobStore } from './ports';
import { S3BlobStore, type S3Options } from './s3/s3-blob-store';

export interface BlobStoreOptions {
  /** Use an S3-compatible bucket (distributed mode). */
  s3?: S3Options;
  /** Otherwise, keep blobs in this local folder (standalone mode). */
  directory?: string;
}

/** S3 when `s3` is given, the filesystem otherwise. Call `initialize()` on the result at start-up. */
export function createBlobStore(options: BlobStoreOptions): ManagedBlobStore {
  if (options.s3) return new S3BlobStore(options.s3);
  if (options.directory) return new FilesystemBlobStore({ directory: options.directory });
  throw new Error('createBlobStore needs either s3 options or a directory');
}
