import { BlobNotFoundError, RangeNotSatisfiableError, UploadNotFoundError } from '@stowage/blob-store';
import { OciError } from '@stowage/http';
import {
  ManifestReferenceUnknownError,
  RepositoryBeingDeletedError,
  UploadConflictError,
} from '@stowage/registry-data';
import { InvalidManifestError } from '../manifests/parse-manifest';
import { UploadDigestMismatchError } from '../uploads/blob-uploads';

/** The OCI error a domain or storage error means to a client; other errors pass unchanged. */
export function toOciError(error: unknown): unknown {
  if (error instanceof ManifestReferenceUnknownError) {
    return new OciError('MANIFEST_BLOB_UNKNOWN', { digest: error.digest });
  }
  if (error instanceof InvalidManifestError)
    return new OciError('MANIFEST_INVALID', { reason: error.message });
  if (error instanceof UploadDigestMismatchError)
    return new OciError('DIGEST_INVALID', { digest: error.expected });
  if (error instanceof UploadConflictError) return new OciError('RANGE_INVALID', { reason: error.message });
  if (error instanceof RepositoryBeingDeletedError) {
    return new OciError('DENIED', { reason: 'the repository is being deleted' });
  }
  if (error instanceof UploadNotFoundError) return new OciError('BLOB_UPLOAD_UNKNOWN');
  if (error instanceof BlobNotFoundError) return new OciError('BLOB_UNKNOWN');
  if (error instanceof RangeNotSatisfiableError) return new OciError('RANGE_INVALID');
  return error;
}
