import type { SqlRunner } from '@stowage/db';
import type { Manifest, PrismaClient, RegistryDb, Repository } from './client';
import { isForeignKeyViolation, isUniqueViolation } from './client';
import { recordContainerEvent } from './events';
import { queueBlobReviews, queueManifestReview, queueManifestReviews } from './gc-reviews';

export interface BlobReference {
  digest: string;
  size: number;
  mediaType: string;
}

/** A validated manifest, ready to store: what it references, parsed from its payload. */
export interface ManifestToSave {
  digest: string;
  mediaType: string;
  payload: Buffer;
  artifactType: string | null;
  subjectDigest: string | null;
  configDigest: string | null;
  annotations: Record<string, string> | null;
  /** Config first, then layers (or an artifact's blobs). */
  blobs: BlobReference[];
  /** An index's child manifests. */
  childDigests: string[];
}

/** The manifest references a blob or child manifest the repository does not have. */
export class ManifestReferenceUnknownError extends Error {
  constructor(
    readonly digest: string,
    readonly kind: 'blob' | 'manifest',
  ) {
    super(`${kind} ${digest} is not in the repository`);
    this.name = 'ManifestReferenceUnknownError';
  }
}

/** The manifest a tag or digest names in the repository, or null. */
export async function findManifest(
  db: RegistryDb,
  repositoryId: bigint,
  reference: { digest: string } | { tag: string },
): Promise<Manifest | null> {
  if ('digest' in reference) {
    return db.manifest.findUnique({
      where: { repositoryId_digest: { repositoryId, digest: reference.digest } },
    });
  }
  const tag = await db.tag.findUnique({
    where: { repositoryId_name: { repositoryId, name: reference.tag } },
    select: { manifest: true },
  });
  return tag?.manifest ?? null;
}

/** What a pull needs of a manifest. */
export interface ServedManifest {
  digest: string;
  mediaType: string;
  payload: Uint8Array;
}

/** Which manifest a reference names, without its payload. */
export type ManifestIdentity = Omit<ServedManifest, 'payload'>;

/**
 * FROM and WHERE of the rows of live repository `path` that `reference` (a tag or a digest)
 * names; `$1` is the path and `$2` the tag or digest.
 */
function manifestNamedBy(reference: { digest: string } | { tag: string }): string {
  return 'digest' in reference
    ? `FROM registry.manifests m JOIN registry.repositories r ON r.id = m.repository_id
        WHERE r.path = $1 AND r.status IS NULL AND m.digest = $2`
    : `FROM registry.tags t
        JOIN registry.repositories r ON r.id = t.repository_id
        JOIN registry.manifests m ON m.id = t.manifest_id
        WHERE r.path = $1 AND r.status IS NULL AND t.name = $2`;
}

const referenceValue = (reference: { digest: string } | { tag: string }) =>
  'digest' in reference ? reference.digest : reference.tag;

/**
 * The manifest a tag or digest names in the repository at `path`, in one query. Pulls are the
 * hottest path of a registry and never touch storage. The query goes to the database's own
 * runner rather than through Prisma, whose query path doubled its cost (PostgreSQL and PGlite).
 */
export async function findManifestByPath(
  db: SqlRunner,
  path: string,
  reference: { digest: string } | { tag: string },
): Promise<ServedManifest | null> {
  const { rows } = await db.query<{ digest: string; media_type: string; payload: Uint8Array }>(
    `SELECT m.digest, m.media_type, m.payload ${manifestNamedBy(reference)}`,
    [path, referenceValue(reference)],
  );
  const row = rows[0];
  return row ? { digest: row.digest, mediaType: row.media_type, payload: row.payload } : null;
}

/** As findManifestByPath, without the payload: what a cached payload is checked against. */
export async function findManifestIdentityByPath(
  db: SqlRunner,
  path: string,
  reference: { digest: string } | { tag: string },
): Promise<ManifestIdentity | null> {
  const { rows } = await db.query<{ digest: string; media_type: string }>(
    `SELECT m.digest, m.media_type ${manifestNamedBy(reference)}`,
    [path, referenceValue(reference)],
  );
  const row = rows[0];
  return row ? { digest: row.digest, mediaType: row.media_type } : null;
}

async function checkReferences(
  tx: RegistryDb,
  repositoryId: bigint,
  manifest: ManifestToSave,
): Promise<Map<string, Manifest>> {
  // In the manifest's order, so the error names the first blob missing; locked in sorted order.
  const blobDigests = [...new Set(manifest.blobs.map((blob) => blob.digest))];
  // FOR SHARE: GC deletes a link only under a row lock, so it either waits for this push (and
  // then sees its layers) or has deleted the link already (and the push is refused, not broken).
  const linked =
    blobDigests.length === 0
      ? []
      : await tx.$queryRaw<{ digest: string }[]>`
          SELECT digest FROM registry.repository_blobs
            WHERE repository_id = ${repositoryId} AND digest = ANY(${[...blobDigests].sort()}::text[])
            ORDER BY digest FOR SHARE`;
  const present = new Set(linked.map((link) => link.digest));
  const missingBlob = blobDigests.find((digest) => !present.has(digest));
  if (missingBlob) throw new ManifestReferenceUnknownError(missingBlob, 'blob');

  const children = await tx.manifest.findMany({
    where: { repositoryId, digest: { in: manifest.childDigests } },
  });
  const byDigest = new Map(children.map((child) => [child.digest, child]));
  const missingChild = manifest.childDigests.find((digest) => !byDigest.has(digest));
  if (missingChild) throw new ManifestReferenceUnknownError(missingChild, 'manifest');
  return byDigest;
}

function totalSizeOf(manifest: ManifestToSave, children: Map<string, Manifest>): bigint {
  let total = BigInt(manifest.payload.length);
  for (const blob of manifest.blobs) total += BigInt(blob.size);
  for (const child of children.values()) total += child.totalSize;
  return total;
}

async function insertManifest(
  tx: RegistryDb,
  repositoryId: bigint,
  manifest: ManifestToSave,
  children: Map<string, Manifest>,
): Promise<Manifest> {
  const created = await tx.manifest.create({
    data: {
      repositoryId,
      digest: manifest.digest,
      mediaType: manifest.mediaType,
      artifactType: manifest.artifactType,
      subjectDigest: manifest.subjectDigest,
      configDigest: manifest.configDigest,
      annotations: manifest.annotations ?? undefined,
      totalSize: totalSizeOf(manifest, children),
      payload: new Uint8Array(manifest.payload),
      layers: {
        create: manifest.blobs.map((blob, position) => ({
          position,
          digest: blob.digest,
          size: blob.size,
          mediaType: blob.mediaType,
        })),
      },
    },
  });
  if (children.size > 0) {
    await tx.manifestReference.createMany({
      data: [...children.values()].map((child) => ({ parentId: created.id, childId: child.id })),
      skipDuplicates: true,
    });
  }
  return created;
}

/** Points `tag` at the manifest; a manifest the tag leaves is queued for GC review. */
async function moveTag(tx: RegistryDb, repositoryId: bigint, tag: string, manifest: Manifest): Promise<void> {
  // FOR UPDATE: two pushes moving the same tag must each queue the manifest the other left.
  const [existing] = await tx.$queryRaw<{ id: bigint; manifestId: bigint }[]>`
    SELECT id, manifest_id AS "manifestId" FROM registry.tags
      WHERE repository_id = ${repositoryId} AND name = ${tag} FOR UPDATE`;
  if (!existing) {
    await tx.tag.create({ data: { repositoryId, name: tag, manifestId: manifest.id } });
    return;
  }
  if (existing.manifestId === manifest.id) return;
  await tx.tag.update({
    where: { id: existing.id },
    data: { manifestId: manifest.id, updatedAt: new Date() },
  });
  await queueManifestReview(tx, repositoryId, existing.manifestId, 'tag_switch');
}

/**
 * Stores a manifest (once per repository and digest) and, when pushed by tag, points the tag at
 * it, in one transaction with its `container.manifest.pushed` event. Rejects with
 * ManifestReferenceUnknownError, storing nothing, when a blob or child is not in the repository.
 */
export async function saveManifest(
  prisma: PrismaClient,
  repository: Repository,
  manifest: ManifestToSave,
  tag: string | null,
): Promise<Manifest> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await prisma.$transaction(async (tx) => {
        const children = await checkReferences(tx, repository.id, manifest);
        const stored =
          (await findManifest(tx, repository.id, { digest: manifest.digest })) ??
          (await insertManifest(tx, repository.id, manifest, children));
        if (tag !== null) await moveTag(tx, repository.id, tag, stored);
        await recordContainerEvent(tx, 'container.manifest.pushed', {
          repository: repository.path,
          project_id: repository.projectId,
          digest: stored.digest,
          media_type: stored.mediaType,
          tag,
          size: Number(stored.totalSize),
        });
        return stored;
      });
    } catch (error) {
      // A concurrent push stored the same manifest or tag first, or GC deleted the untagged
      // manifest this push re-tags or a child it names: the retry finds what is there now.
      if (!(isUniqueViolation(error) || isForeignKeyViolation(error)) || attempt > 1) throw error;
    }
  }
}

/**
 * Deletes a manifest and every tag pointing at it (as distribution does on a DELETE by digest),
 * with a `container.tag.deleted` event per tag; its blobs are queued for GC review.
 * False when the repository has no such manifest.
 */
export async function deleteManifest(
  prisma: PrismaClient,
  repository: Repository,
  digest: string,
): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const manifest = await tx.manifest.findUnique({
      where: { repositoryId_digest: { repositoryId: repository.id, digest } },
      include: { tags: true, layers: true, children: { select: { childId: true } } },
    });
    if (!manifest) return false;
    for (const tag of manifest.tags) {
      await recordContainerEvent(tx, 'container.tag.deleted', {
        repository: repository.path,
        project_id: repository.projectId,
        tag: tag.name,
        digest,
      });
    }
    await tx.manifest.delete({ where: { id: manifest.id } });
    // An index's children may now be in no index and untagged. Manifest reviews before blob
    // reviews: the order GC locks them in (ADR 0008).
    await queueManifestReviews(
      tx,
      repository.id,
      manifest.children.map((child) => child.childId),
      'manifest_delete',
    );
    await queueBlobReviews(
      tx,
      manifest.layers.map((layer) => layer.digest),
      'manifest_delete',
    );
    return true;
  });
}

export interface ReferrerRow {
  digest: string;
  mediaType: string;
  size: number;
  artifactType: string | null;
  annotations: Record<string, string> | null;
}

/** Manifests of the repository whose `subject` is `digest`, optionally of one artifact type. */
export async function listReferrers(
  db: RegistryDb,
  repositoryId: bigint,
  digest: string,
  artifactType?: string,
): Promise<ReferrerRow[]> {
  const rows = await db.manifest.findMany({
    where: { repositoryId, subjectDigest: digest, ...(artifactType ? { artifactType } : {}) },
    orderBy: { id: 'asc' },
    select: { digest: true, mediaType: true, payload: true, artifactType: true, annotations: true },
  });
  return rows.map((row) => ({
    digest: row.digest,
    mediaType: row.mediaType,
    size: row.payload.length,
    artifactType: row.artifactType,
    annotations: (row.annotations as Record<string, string> | null) ?? null,
  }));
}
