import type { PrismaClient } from './client';

/**
 * The TTL scheduler's side of group_settings: groups whose TTL run is due, claimed so that any
 * number of schedulers (one per cleanup-worker replica) queue each run once.
 */

export interface TtlClaimOptions {
  /** Time between two runs of one group: the claim moves `ttl_next_run_at` this far ahead. */
  intervalMs: number;
  /** Most groups claimed at once. */
  limit?: number;
}

export interface TtlClaim {
  groupId: number;
  /** The `ttl_next_run_at` the claim set; what releaseTtlClaim compares. */
  nextRunAt: Date;
}

/**
 * Claims the groups with a TTL policy whose run is due at `now` (never run, or `ttl_next_run_at`
 * passed) and moves their `ttl_next_run_at` to now + interval, in one statement. Rows are taken
 * `FOR UPDATE SKIP LOCKED`: a concurrent scheduler skips what this one holds and, once it commits,
 * no longer sees the groups as due.
 */
export async function claimDueTtlGroups(
  prisma: PrismaClient,
  now: Date,
  options: TtlClaimOptions,
): Promise<TtlClaim[]> {
  // Computed here, not in SQL, so the claim knows the exact value a release compares.
  const nextRunAt = new Date(now.getTime() + options.intervalMs);
  const rows = await prisma.$queryRawUnsafe<{ group_id: number }[]>(
    `UPDATE dependency_proxy.group_settings AS g
        SET ttl_next_run_at = $2::timestamptz
       FROM (SELECT group_id FROM dependency_proxy.group_settings
              WHERE ttl_enabled AND (ttl_next_run_at IS NULL OR ttl_next_run_at <= $1::timestamptz)
              ORDER BY ttl_next_run_at NULLS FIRST, group_id
              LIMIT $3
                FOR UPDATE SKIP LOCKED) AS due
      WHERE g.group_id = due.group_id
     RETURNING g.group_id`,
    now.toISOString(),
    nextRunAt.toISOString(),
    options.limit ?? 1000,
  );
  return rows.map((row) => ({ groupId: row.group_id, nextRunAt })).sort((a, b) => a.groupId - b.groupId);
}

/**
 * Makes a claimed group due again at once, when its job could not be queued; unless the row
 * changed since (another claim, a settings change), which then decides.
 */
export async function releaseTtlClaim(prisma: PrismaClient, claim: TtlClaim): Promise<boolean> {
  // Raw SQL: Prisma's updateMany would also move updated_at, which says when the owner changed the settings.
  const count = await prisma.$executeRaw`
    UPDATE dependency_proxy.group_settings SET ttl_next_run_at = NULL
      WHERE group_id = ${claim.groupId} AND ttl_next_run_at = ${claim.nextRunAt}`;
  return count === 1;
}
