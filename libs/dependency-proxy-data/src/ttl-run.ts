import {
  removeEntriesUnreadSince,
  type CacheRemovalOptions,
  type CacheRemovalOutcome,
} from './cache-removal';
import type { PrismaClient } from './client';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface TtlRunOutcome extends CacheRemovalOutcome {
  /** The read_at before which entries were removed. */
  unreadSince: Date;
}

/**
 * Runs a group's TTL policy as it is saved now, not as it was when the run was queued: an owner
 * who turned the policy off or lengthened it meanwhile gets what they asked for. Null when the
 * group has no policy enabled (nothing is removed). Running it twice removes nothing the first
 * run left, beyond entries that went stale in between.
 */
export async function runTtlPolicy(
  prisma: PrismaClient,
  groupId: number,
  now: Date,
  options: CacheRemovalOptions = {},
): Promise<TtlRunOutcome | null> {
  const settings = await prisma.groupSettings.findUnique({
    where: { groupId },
    select: { ttlEnabled: true, ttlDays: true },
  });
  // The API refuses a TTL under a day; a row written around it must not empty the cache.
  if (!settings?.ttlEnabled || settings.ttlDays < 1) return null;
  const unreadSince = new Date(now.getTime() - settings.ttlDays * DAY_MS);
  const removed = await removeEntriesUnreadSince(prisma, groupId, unreadSince, options);
  return { ...removed, unreadSince };
}
