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
export { createBlobStore, type BlobStoreOptions } from './create-blob-store';
export { FilesystemBlobStore, type FilesystemBlobStoreOptions } from './filesystem/filesystem-blob-store';
export { S3BlobStore, type S3Options } from './s3/s3-blob-store';
export { deleteObjectsOlderThan, type StaleObjectOptions, type StaleObjectOutcome } from './stale-objects';
