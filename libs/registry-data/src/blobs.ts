import type { SqlRunner } from '@stowage/db';
import type { PrismaClient, RegistryDb } from './client';
import { queueBlobReviews } from './gc-reviews';

export interface LinkedBlob {
  digest: string;
  size: number;
}

/**
 * The blob if the live repository at `path` may serve it, else null (also when there is no such
 * repository, or it is being deleted): one query, which the registry's cache of links saves
 * most pulls.
 */
export async function findLinkedBlobByPath(
  db: SqlRunner,
  path: string,
  digest: string,
): Promise<LinkedBlob | null> {
  const { rows } = await db.query<{ size: string | number | bigint }>(
    `SELECT b.size FROM registry.repositories r
       JOIN registry.repository_blobs l ON l.repository_id = r.id AND l.digest = $2
       JOIN registry.blobs b ON b.digest = l.digest
      WHERE r.path = $1 AND r.status IS NULL`,
    [path, digest],
  );
  const row = rows[0];
  return row ? { digest, size: Number(row.size) } : null;
}

/** The blob's size when it is in storage at all (in any repository), else null. */
export async function findStoredBlob(db: RegistryDb, digest: string): Promise<LinkedBlob | null> {
  const blob = await db.blob.findUnique({ where: { digest }, select: { size: true } });
  return blob ? { digest, size: Number(blob.size) } : null;
}

/**
 * Records a stored blob (once per digest) and makes it readable from the repository, refreshing
 * the link's time (GC keeps an unreferenced link younger than the review delay) and queueing a
 * review, so a blob that no manifest ever references is collected too. Locks in the order every
 * writer uses (review row, blob row, link), so concurrent pushes and GC never deadlock. The blob
 * row is written with ON CONFLICT DO UPDATE: if GC is deleting it right now, this waits and then
 * inserts it again (the caller has just stored the object; ADR 0008 explains why GC leaves it).
 */
export async function linkBlob(
  db: RegistryDb,
  repositoryId: bigint,
  digest: string,
  size: number,
): Promise<void> {
  await queueBlobReviews(db, [digest], 'blob_linked');
  await db.$executeRaw`
    INSERT INTO registry.blobs (digest, size) VALUES (${digest}, ${size})
    ON CONFLICT (digest) DO UPDATE SET size = EXCLUDED.size`;
  await insertLink(db, repositoryId, digest);
}

async function insertLink(db: RegistryDb, repositoryId: bigint, digest: string): Promise<void> {
  await db.$executeRaw`
    INSERT INTO registry.repository_blobs (repository_id, digest) VALUES (${repositoryId}, ${digest})
    ON CONFLICT (repository_id, digest) DO UPDATE SET created_at = now()`;
}

/**
 * Cross-repository mount: links a blob `sourceRepositoryId` has into `targetRepositoryId`, in one
 * transaction that holds the blob row (so GC cannot delete it between the check and the link).
 * Null, linking nothing, when the source does not have the blob.
 */
export async function mountBlob(
  prisma: PrismaClient,
  sourceRepositoryId: bigint,
  targetRepositoryId: bigint,
  digest: string,
): Promise<LinkedBlob | null> {
  return prisma.$transaction(async (tx) => {
    await queueBlobReviews(tx, [digest], 'blob_linked');
    const rows = await tx.$queryRaw<{ size: bigint }[]>`
      SELECT b.size FROM registry.blobs b
        JOIN registry.repository_blobs l ON l.digest = b.digest AND l.repository_id = ${sourceRepositoryId}
        WHERE b.digest = ${digest}
        FOR SHARE OF b`;
    const row = rows[0];
    if (!row) return null;
    await insertLink(tx, targetRepositoryId, digest);
    return { digest, size: Number(row.size) };
  });
}

/** Removes the blob from the repository; storage keeps it until a GC review finds it unused. */
export async function unlinkBlob(db: RegistryDb, repositoryId: bigint, digest: string): Promise<boolean> {
  // The review row first: the lock order of linkBlob.
  const link = await db.repositoryBlob.findUnique({
    where: { repositoryId_digest: { repositoryId, digest } },
  });
  if (!link) return false;
  await queueBlobReviews(db, [digest], 'blob_unlinked');
  const { count } = await db.repositoryBlob.deleteMany({ where: { repositoryId, digest } });
  return count > 0;
}
