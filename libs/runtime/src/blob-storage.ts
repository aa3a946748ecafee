import path from 'node:path';
import { createBlobStore, type ManagedBlobStore } from '@stowage/blob-store';
import type { BlobStorageConfig } from '@stowage/config';

/**
 * The blob store the configuration selects: the S3 bucket when S3_BUCKET is set, otherwise files
 * under DATA_DIR/blobs. Every process that reads or writes blobs opens it here, so they all agree.
 */
export function openConfiguredBlobStore(config: BlobStorageConfig): ManagedBlobStore {
  return createBlobStore(
    config.s3.bucket
      ? {
          s3: {
            endpoint: config.s3.endpoint || undefined,
            region: config.s3.region,
            bucket: config.s3.bucket,
            accessKeyId: config.s3.accessKeyId || undefined,
            secretAccessKey: config.s3.secretAccessKey || undefined,
            forcePathStyle: config.s3.forcePathStyle,
          },
        }
      : { directory: path.join(config.dataDir, 'blobs') },
  );
}
