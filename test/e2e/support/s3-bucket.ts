import { createS3BlobStore, type S3BlobStore } from '@stowage/blob-store';
import type { S3Server } from '@stowage/testing';

/** The stack's bucket read directly, as the services store in it (to check what is really kept). */
export function bucketOf(s3: S3Server): S3BlobStore {
  return createS3BlobStore({
    endpoint: s3.endpoint,
    region: s3.region,
    bucket: s3.bucket,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
  });
}
