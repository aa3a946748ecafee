/**
 * The jobs the dependency proxy's API (and the cleanup-worker's TTL scheduler) hand to the
 * cleanup-worker: queue names and payloads in one place, so producer and consumer cannot drift.
 */

/** Empties a group's cache (`DELETE /groups/:id/dependency_proxy/cache`). */
export const PROXY_CACHE_PURGE_QUEUE = 'dependency_proxy.cache.purge';

/** Removes a group's entries unread for longer than its TTL policy allows. */
export const PROXY_TTL_RUN_QUEUE = 'dependency_proxy.ttl.run';

export interface ProxyGroupJob {
  group_id: number;
}

/** Reads a purge or TTL job's payload; null when no version of the producers wrote it. */
export function parseProxyGroupJob(payload: unknown): ProxyGroupJob | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const groupId = (payload as Record<string, unknown>).group_id;
  return typeof groupId === 'number' && Number.isSafeInteger(groupId) && groupId > 0
    ? { group_id: groupId }
    : null;
}
