import type { PackageCleanupPolicy } from './generated/prisma/client';
import type { PackageDb, PrismaClient } from './client';

/**
 * GitLab's package cleanup policy (`packages_cleanup_policies`): `keep_n_duplicated_package_files`
 * keeps, per package and file name, the newest N files and removes the older duplicates. A policy
 * that keeps everything never runs; the others run every 12 hours.
 */

export const KEEP_N_DUPLICATED_PACKAGE_FILES = ['all', '1', '10', '20', '30', '40', '50'] as const;
export type KeepNDuplicatedPackageFiles = (typeof KEEP_N_DUPLICATED_PACKAGE_FILES)[number];

/** GitLab's cadence of a policy's runs. */
export const PACKAGE_CLEANUP_POLICY_INTERVAL_MS = 12 * 60 * 60 * 1000;

export interface CleanupPolicyView {
  keepNDuplicatedPackageFiles: KeepNDuplicatedPackageFiles;
  nextRunAt: Date | null;
}

function keepOf(value: string): KeepNDuplicatedPackageFiles {
  return (KEEP_N_DUPLICATED_PACKAGE_FILES as readonly string[]).includes(value)
    ? (value as KeepNDuplicatedPackageFiles)
    : 'all';
}

/** A project's policy; GitLab's default (keep all) when it never saved one. */
export async function packageCleanupPolicyOf(db: PackageDb, projectId: number): Promise<CleanupPolicyView> {
  const row = await db.packageCleanupPolicy.findUnique({ where: { projectId } });
  return row
    ? { keepNDuplicatedPackageFiles: keepOf(row.keepNDuplicatedPackageFiles), nextRunAt: row.nextRunAt }
    : { keepNDuplicatedPackageFiles: 'all', nextRunAt: null };
}

/**
 * Saves a project's policy. As GitLab does, a change to a value that removes files schedules the
 * first run 12 hours later; keeping everything clears the schedule.
 */
export async function savePackageCleanupPolicy(
  db: PackageDb,
  projectId: number,
  keep: KeepNDuplicatedPackageFiles,
  now = new Date(),
): Promise<PackageCleanupPolicy> {
  const current = await db.packageCleanupPolicy.findUnique({ where: { projectId } });
  const changed = current?.keepNDuplicatedPackageFiles !== keep;
  const nextRunAt =
    keep === 'all'
      ? null
      : changed || !current?.nextRunAt
        ? new Date(now.getTime() + PACKAGE_CLEANUP_POLICY_INTERVAL_MS)
        : current.nextRunAt;
  return db.packageCleanupPolicy.upsert({
    where: { projectId },
    create: { projectId, keepNDuplicatedPackageFiles: keep, nextRunAt },
    update: { keepNDuplicatedPackageFiles: keep, nextRunAt },
  });
}

export interface PackageCleanupOutcome {
  /** Files marked pending_destruction (destroyPendingPackages deletes them). */
  filesMarked: number;
}

/**
 * Applies a project's policy as saved now: of each package's files of one name (live files of
 * live packages), all but the newest N are marked `pending_destruction`. Null when the policy
 * keeps everything. Running twice marks nothing more: the duplicates are already marked.
 */
export async function runPackageCleanupPolicy(
  prisma: PrismaClient,
  projectId: number,
): Promise<PackageCleanupOutcome | null> {
  const policy = await packageCleanupPolicyOf(prisma, projectId);
  if (policy.keepNDuplicatedPackageFiles === 'all') return null;
  const keep = Number(policy.keepNDuplicatedPackageFiles);
  const filesMarked = await prisma.$executeRaw`
    UPDATE package_registry.package_files AS f SET status = 'pending_destruction'
      FROM (SELECT pf.id,
                   row_number() OVER (PARTITION BY pf.package_id, pf.file_name
                                      ORDER BY pf.created_at DESC, pf.id DESC) AS newest
              FROM package_registry.package_files pf
              JOIN package_registry.packages p ON p.id = pf.package_id
             WHERE p.project_id = ${projectId} AND p.status <> 'pending_destruction'
               AND pf.status = 'default') AS ranked
     WHERE f.id = ranked.id AND ranked.newest > ${keep}`;
  return { filesMarked };
}

export interface CleanupPolicyClaim {
  projectId: number;
  /** The `next_run_at` the claim set; what releasePackageCleanupPolicyClaim compares. */
  nextRunAt: Date;
}

/**
 * Claims the policies due at `now` (removing files, `next_run_at` passed) and moves their
 * `next_run_at` 12 hours on, in one statement. Rows are taken `FOR UPDATE SKIP LOCKED`, so any
 * number of schedulers (one per worker replica) queue each run once.
 */
export async function claimDuePackageCleanupPolicies(
  prisma: PrismaClient,
  now: Date,
  options: { intervalMs?: number; limit?: number } = {},
): Promise<CleanupPolicyClaim[]> {
  const nextRunAt = new Date(now.getTime() + (options.intervalMs ?? PACKAGE_CLEANUP_POLICY_INTERVAL_MS));
  const rows = await prisma.$queryRaw<{ project_id: number }[]>`
    UPDATE package_registry.package_cleanup_policies AS c
       SET next_run_at = ${nextRunAt}
      FROM (SELECT project_id FROM package_registry.package_cleanup_policies
             WHERE keep_n_duplicated_package_files <> 'all' AND next_run_at <= ${now}
             ORDER BY next_run_at, project_id
             LIMIT ${options.limit ?? 1000}
               FOR UPDATE SKIP LOCKED) AS due
     WHERE c.project_id = due.project_id
    RETURNING c.project_id`;
  return rows
    .map((row) => ({ projectId: row.project_id, nextRunAt }))
    .sort((a, b) => a.projectId - b.projectId);
}

/** Makes a claimed policy due again at once (its job could not be queued), unless it changed since. */
export async function releasePackageCleanupPolicyClaim(
  prisma: PrismaClient,
  claim: CleanupPolicyClaim,
  now = new Date(),
): Promise<boolean> {
  const count = await prisma.$executeRaw`
    UPDATE package_registry.package_cleanup_policies SET next_run_at = ${now}
      WHERE project_id = ${claim.projectId} AND next_run_at = ${claim.nextRunAt}`;
  return count === 1;
}
