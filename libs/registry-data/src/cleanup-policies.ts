import type { RegistryDb } from './client';
import { DEFAULT_CLEANUP_POLICY, isCadence, nextRunAfter, type CleanupPolicy } from './cleanup-policy';

/** A project's policy as stored, with when it runs next (null until first saved). */
export interface StoredCleanupPolicy extends CleanupPolicy {
  projectId: number;
  nextRunAt: Date | null;
}

type Row = {
  projectId: number;
  enabled: boolean;
  cadence: string;
  keepN: number | null;
  olderThan: string | null;
  nameRegexDelete: string | null;
  nameRegexKeep: string | null;
  nextRunAt: Date | null;
};

function storedPolicyOf(row: Row): StoredCleanupPolicy {
  return {
    projectId: row.projectId,
    enabled: row.enabled,
    // The table's check constraint allows only these; the fallback keeps the type honest.
    cadence: isCadence(row.cadence) ? row.cadence : DEFAULT_CLEANUP_POLICY.cadence,
    keepN: row.keepN,
    olderThan: row.olderThan,
    nameRegexDelete: row.nameRegexDelete,
    nameRegexKeep: row.nameRegexKeep,
    nextRunAt: row.nextRunAt,
  };
}

/** The project's policy, or GitLab's disabled default when none was saved. */
export async function findCleanupPolicy(db: RegistryDb, projectId: number): Promise<StoredCleanupPolicy> {
  const row = await db.containerExpirationPolicy.findUnique({ where: { projectId } });
  return row ? storedPolicyOf(row) : { projectId, ...DEFAULT_CLEANUP_POLICY, nextRunAt: null };
}

/** Saves the policy; its next run moves to `now` + cadence, as GitLab's does on every save. */
export async function saveCleanupPolicy(
  db: RegistryDb,
  projectId: number,
  policy: CleanupPolicy,
  now: Date,
): Promise<StoredCleanupPolicy> {
  const data = { ...policy, nextRunAt: nextRunAfter(policy.cadence, now), updatedAt: now };
  const row = await db.containerExpirationPolicy.upsert({
    where: { projectId },
    create: { projectId, ...data, createdAt: now },
    update: data,
  });
  return storedPolicyOf(row);
}
