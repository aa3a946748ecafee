import { randomUUID } from 'node:crypto';
import type { UploadPart } from '@stowage/blob-store';
import type { PrismaClient, RegistryDb, Upload } from './client';

/** What is durably stored of an upload: full parts in a multipart upload, then a smaller tail. */
export interface UploadProgress {
  size: number;
  multipartUploadId: string | null;
  parts: UploadPart[];
  tailKey: string | null;
  tailSize: number;
}

export interface UploadRecord extends UploadProgress {
  id: string;
  repositoryId: bigint;
  createdAt: Date;
}

/** Another request moved the upload on meanwhile (two writers on one upload). */
export class UploadConflictError extends Error {
  constructor(readonly uploadId: string) {
    super(`upload ${uploadId} was changed by another request`);
    this.name = 'UploadConflictError';
  }
}

function toRecord(row: Upload): UploadRecord {
  return {
    id: row.id,
    repositoryId: row.repositoryId,
    createdAt: row.createdAt,
    size: Number(row.size),
    multipartUploadId: row.multipartUploadId,
    parts: row.parts as unknown as UploadPart[],
    tailKey: row.tailKey,
    tailSize: row.tailSize,
  };
}

export async function createUpload(db: RegistryDb, repositoryId: bigint): Promise<UploadRecord> {
  return toRecord(await db.upload.create({ data: { id: randomUUID(), repositoryId } }));
}

/** The upload if it belongs to the repository, else null (ids are not valid across repositories). */
export async function findUpload(
  db: RegistryDb,
  repositoryId: bigint,
  id: string,
): Promise<UploadRecord | null> {
  const row = await db.upload.findUnique({ where: { id } });
  return row && row.repositoryId === repositoryId ? toRecord(row) : null;
}

/**
 * Records new progress, provided nobody else moved the upload since `previousSize` (a second
 * writer on the same upload, perhaps in another replica); UploadConflictError otherwise.
 */
export async function saveUploadProgress(
  db: RegistryDb,
  id: string,
  previousSize: number,
  progress: UploadProgress,
): Promise<void> {
  const { count } = await db.upload.updateMany({
    where: { id, size: previousSize },
    data: {
      size: progress.size,
      multipartUploadId: progress.multipartUploadId,
      parts: progress.parts as unknown as object[],
      tailKey: progress.tailKey,
      tailSize: progress.tailSize,
      updatedAt: new Date(),
    },
  });
  if (count !== 1) throw new UploadConflictError(id);
}

export async function deleteUploadRecord(db: RegistryDb, id: string): Promise<void> {
  await db.upload.deleteMany({ where: { id } });
}

/**
 * Records that the upload's content checked out as `digest` and is about to be stored under the
 * blob's key, and cancels a pending GC deletion of that key. When a GC deleter is removing the
 * object right now this waits for it to finish, so the caller's write lands after the deletion,
 * never before it; and from this commit until the blob row exists, GC deletes no object of this
 * digest (ADR 0008). UploadConflictError when the upload is gone (cancelled or purged).
 */
export async function markUploadCommitting(prisma: PrismaClient, id: string, digest: string): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.upload.updateMany({ where: { id }, data: { committingDigest: digest } });
    if (count !== 1) throw new UploadConflictError(id);
    await tx.gcStorageDeletion.deleteMany({ where: { digest } });
  });
}
