import type { PrismaClient, RegistryDb, Repository } from './client';
import { recordContainerEvent } from './events';
import { queueManifestReview } from './gc-reviews';

/** Tag names after `last`, in order, at most `limit` (omitted: all). */
export async function listTagNames(
  db: RegistryDb,
  repositoryId: bigint,
  options: { last?: string; limit?: number } = {},
): Promise<string[]> {
  const rows = await db.tag.findMany({
    where: { repositoryId, ...(options.last !== undefined ? { name: { gt: options.last } } : {}) },
    orderBy: { name: 'asc' },
    take: options.limit,
    select: { name: true },
  });
  return rows.map((row) => row.name);
}

/**
 * Deletes one tag, leaving its manifest (which is queued for GC review), with its
 * `container.tag.deleted` event. False when the repository has no such tag.
 */
export async function deleteTag(
  prisma: PrismaClient,
  repository: Repository,
  name: string,
): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    // The manifest as of the delete itself: a push may have moved the tag since anyone read it,
    // and the manifest the tag leaves is the one to review (read in a second statement: one
    // statement's snapshot may predate that push's manifest). A concurrent delete of the same
    // tag finds nothing: the first one answered and recorded the event.
    const [deleted] = await tx.$queryRaw<{ manifestId: bigint }[]>`
      DELETE FROM registry.tags WHERE repository_id = ${repository.id} AND name = ${name}
        RETURNING manifest_id AS "manifestId"`;
    if (!deleted) return false;
    const tag = {
      manifestId: deleted.manifestId,
      digest: (await tx.manifest.findUniqueOrThrow({ where: { id: deleted.manifestId } })).digest,
    };
    await queueManifestReview(tx, repository.id, tag.manifestId, 'tag_delete');
    await recordContainerEvent(tx, 'container.tag.deleted', {
      repository: repository.path,
      project_id: repository.projectId,
      tag: name,
      digest: tag.digest,
    });
    return true;
  });
}

/** Which of the projects have at least one tag (in a repository being deleted too: its tags are still there). */
export async function projectsWithTags(db: RegistryDb, projectIds: number[]): Promise<number[]> {
  if (projectIds.length === 0) return [];
  const rows = await db.repository.findMany({
    where: { projectId: { in: projectIds }, tags: { some: {} } },
    select: { projectId: true },
    distinct: ['projectId'],
  });
  return rows.map((row) => row.projectId);
}
