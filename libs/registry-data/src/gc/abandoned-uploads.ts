import type { BlobStore } from '@stowage/blob-store';
import type { PrismaClient, RegistryDb } from '../client';
import { uploadDataKey, uploadFolder } from '../storage-keys';

export interface UploadPurgeOptions {
  /** Uploads untouched for longer than this are abandoned (distribution purges after 7 days). */
  olderThanMs: number;
  batchSize: number;
}

export interface UploadPurgeOutcome {
  purged: number;
  /** Uploads whose storage could not be cleaned; left for a later pass. */
  failed: number;
}

/**
 * Deletes uploads untouched for longer than `olderThanMs`, with what they stored: the multipart
 * upload's parts, the joined data object and every tail under the upload's folder (a tail written
 * just before a crash is not in the row, so the folder is listed). Rows are claimed
 * `FOR UPDATE SKIP LOCKED` and deleted only after their storage is clean, in the same transaction,
 * so a failed storage call leaves the row for a later pass and never orphans its parts. An upload
 * that was committing a digest when it was abandoned may have stored the blob's object already:
 * that digest is queued for a storage deletion, which deletes the object only if no row needs it.
 */
export async function purgeAbandonedUploads(
  prisma: PrismaClient,
  blobs: BlobStore,
  options: UploadPurgeOptions,
): Promise<UploadPurgeOutcome> {
  return prisma.$transaction((tx) => purgeBatch(tx, blobs, options), { timeout: 60_000 });
}

interface AbandonedUpload {
  id: string;
  multipart_upload_id: string | null;
  committing_digest: string | null;
}

async function purgeBatch(
  tx: RegistryDb,
  blobs: BlobStore,
  options: UploadPurgeOptions,
): Promise<UploadPurgeOutcome> {
  const cutoff = new Date(Date.now() - options.olderThanMs);
  const abandoned = await tx.$queryRaw<AbandonedUpload[]>`
    SELECT id::text AS id, multipart_upload_id, committing_digest FROM registry.uploads
      WHERE updated_at < ${cutoff} ORDER BY updated_at LIMIT ${options.batchSize}
      FOR UPDATE SKIP LOCKED`;
  if (abandoned.length === 0) return { purged: 0, failed: 0 };
  const results = await Promise.allSettled(abandoned.map((upload) => discardStorage(blobs, upload)));
  const cleaned = abandoned.filter((_, index) => results[index]!.status === 'fulfilled');
  await tx.$executeRaw`
    DELETE FROM registry.uploads WHERE id = ANY(${cleaned.map((upload) => upload.id)}::uuid[])`;
  const digests = [
    ...new Set(cleaned.flatMap((upload) => (upload.committing_digest ? [upload.committing_digest] : []))),
  ].sort();
  if (digests.length > 0) {
    await tx.$executeRaw`
      INSERT INTO registry.gc_storage_deletions (digest)
        SELECT digest FROM unnest(${digests}::text[]) AS digest ORDER BY digest
        ON CONFLICT (digest) DO NOTHING`;
  }
  return { purged: cleaned.length, failed: abandoned.length - cleaned.length };
}

async function discardStorage(blobs: BlobStore, upload: AbandonedUpload): Promise<void> {
  if (upload.multipart_upload_id) {
    await blobs.abortMultipartUpload(uploadDataKey(upload.id), upload.multipart_upload_id);
  }
  for await (const object of blobs.list(uploadFolder(upload.id))) await blobs.delete(object.key);
}
