import { INDEX_MEDIA_TYPES, indexPlatforms, type Platform } from '@stowage/oci';
import type { RegistryDb, Tag } from './client';

/** Reads behind GitLab's tag endpoints (the `/v2` tag list is `listTagNames`). */

export type TagOrder = 'name' | 'created_at' | 'updated_at';

const COLUMN = { name: 'name', created_at: 'createdAt', updated_at: 'updatedAt' } as const;

/** One page of the repository's tags, and how many it has in all. */
export async function listTagsPage(
  db: RegistryDb,
  repositoryId: bigint,
  options: { orderBy: TagOrder; sort: 'asc' | 'desc'; skip: number; take: number },
): Promise<{ tags: Tag[]; total: number }> {
  const column = COLUMN[options.orderBy];
  // Names break ties between equal times, so pages never overlap.
  const orderBy =
    column === 'name' ? [{ name: options.sort }] : [{ [column]: options.sort }, { name: options.sort }];
  const [tags, total] = await Promise.all([
    db.tag.findMany({ where: { repositoryId }, orderBy, skip: options.skip, take: options.take }),
    db.tag.count({ where: { repositoryId } }),
  ]);
  return { tags, total };
}

/** Each repository's tag names, in name order (GitLab's `tags=true`). */
export async function tagNamesByRepository(
  db: RegistryDb,
  repositoryIds: bigint[],
): Promise<Map<bigint, string[]>> {
  const names = new Map<bigint, string[]>(repositoryIds.map((id) => [id, []]));
  if (repositoryIds.length === 0) return names;
  const rows = await db.tag.findMany({
    where: { repositoryId: { in: repositoryIds } },
    orderBy: { name: 'asc' },
    select: { repositoryId: true, name: true },
  });
  for (const row of rows) names.get(row.repositoryId)?.push(row.name);
  return names;
}

/** How many tags each repository has (GitLab's `tags_count`). */
export async function countTagsByRepository(
  db: RegistryDb,
  repositoryIds: bigint[],
): Promise<Map<bigint, number>> {
  const counts = new Map<bigint, number>(repositoryIds.map((id) => [id, 0]));
  if (repositoryIds.length === 0) return counts;
  const rows = await db.tag.groupBy({
    by: ['repositoryId'],
    where: { repositoryId: { in: repositoryIds } },
    _count: { _all: true },
  });
  for (const row of rows) counts.set(row.repositoryId, row._count._all);
  return counts;
}

export interface TagDetails {
  name: string;
  digest: string;
  /** The image config's digest; null for an index or an artifact without one. */
  configDigest: string | null;
  mediaType: string;
  /** An index's platforms (attestations left out); null for a single image or an artifact. */
  platforms: Platform[] | null;
  /**
   * The manifest's stored total: config, layers and payload; for an index, the sum of its
   * children's totals plus its own payload (what a pull of every platform would fetch).
   */
  totalSize: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The tag with what its manifest says, or null when the repository has no such tag. */
export async function findTagDetails(
  db: RegistryDb,
  repositoryId: bigint,
  name: string,
): Promise<TagDetails | null> {
  const tag = await db.tag.findUnique({
    where: { repositoryId_name: { repositoryId, name } },
    include: {
      manifest: {
        select: { digest: true, configDigest: true, totalSize: true, mediaType: true, payload: true },
      },
    },
  });
  if (!tag) return null;
  return {
    name: tag.name,
    digest: tag.manifest.digest,
    configDigest: tag.manifest.configDigest,
    mediaType: tag.manifest.mediaType,
    platforms: INDEX_MEDIA_TYPES.includes(tag.manifest.mediaType)
      ? indexPlatforms(tag.manifest.payload)
      : null,
    totalSize: Number(tag.manifest.totalSize),
    createdAt: tag.createdAt,
    updatedAt: tag.updatedAt,
  };
}
