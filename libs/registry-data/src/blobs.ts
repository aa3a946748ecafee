import type { RegistryDb } from './client';
import { queueBlobReviews } from './gc-reviews';

export interface LinkedBlob {
  digest: string;
  size: number;
}

/** The blob if this repository may serve it (pushed or mounted here), else null. */
export async function findLinkedBlob(
  db: RegistryDb,
  repositoryId: bigint,
  digest: string,
): Promise<LinkedBlob | null> {
  const link = await db.repositoryBlob.findUnique({
    where: { repositoryId_digest: { repositoryId, digest } },
    select: { blob: { select: { size: true } } },
  });
  return link ? { digest, size: Number(link.blob.size) } : null;
}

/** The blob's size when it is in storage at all (in any repository), else null. */
export async function findStoredBlob(db: RegistryDb, digest: string): Promise<LinkedBlob | null> {
  const blob = await db.blob.findUnique({ where: { digest }, select: { size: true } });
  return blob ? { digest, size: Number(blob.size) } : null;
}

/** Records a stored blob (once per digest) and makes it readable from the repository. */
export async function linkBlob(
  db: RegistryDb,
  repositoryId: bigint,
  digest: string,
  size: number,
): Promise<void> {
  await db.blob.upsert({ where: { digest }, create: { digest, size }, update: {} });
  await db.repositoryBlob.upsert({
    where: { repositoryId_digest: { repositoryId, digest } },
    create: { repositoryId, digest },
    update: {},
  });
}

/** Removes the blob from the repository; storage keeps it until a GC review finds it unused. */
export async function unlinkBlob(db: RegistryDb, repositoryId: bigint, digest: string): Promise<boolean> {
  const { count } = await db.repositoryBlob.deleteMany({ where: { repositoryId, digest } });
  if (count > 0) await queueBlobReviews(db, [digest], 'blob_unlinked');
  return count > 0;
}
