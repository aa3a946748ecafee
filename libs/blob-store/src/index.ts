export type {
  BlobInfo,
  BlobStore,
  ByteRange,
  ManagedBlobStore,
  PutOptions,
  UploadPart,
  UploadPartOptions,
} from './ports';
export {
  BlobNotFoundError,
  InvalidBlobKeyError,
  InvalidUploadPartError,
  RangeNotSatisfiableError,
  StorageUnavailableError,
  UploadNotFoundError,
} from './errors';
export { validateKey, validatePrefix } from './keys';
export { createBlobStore, createS3BlobStore, type BlobStoreOptions } from './create-blob-store';
export { FilesystemBlobStore, type FilesystemBlobStoreOptions } from './filesystem/filesystem-blob-store';
// The S3 adapter itself is not exported: importing it would load the AWS SDK into every process
// (see createS3BlobStore).
export type { S3BlobStore, S3Options } from './s3/s3-blob-store';
export { deleteObjectsOlderThan, type StaleObjectOptions, type StaleObjectOutcome } from './stale-objects';
