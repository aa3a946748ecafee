/**
 * The jobs the package registry hands to the cleanup-worker: queue names and payloads in one
 * place, so producer and consumer cannot drift.
 */

/**
 * Removes packages and files marked `pending_destruction`, then their objects once no other file
 * uses them. Enqueued after a deletion so it happens now; the worker also sweeps periodically, so
 * a lost job only delays the removal.
 */
export const PACKAGE_DESTRUCTION_QUEUE = 'package_registry.destruction.run';

/** Applies one project's package cleanup policy now (the scheduler enqueues due policies). */
export const PACKAGE_CLEANUP_POLICY_QUEUE = 'package_registry.cleanup_policy.run';

export interface PackageCleanupPolicyJob {
  project_id: number;
}

/** Reads a cleanup policy job's payload; null when no version of the producers wrote it. */
export function parsePackageCleanupPolicyJob(payload: unknown): PackageCleanupPolicyJob | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const projectId = (payload as Record<string, unknown>).project_id;
  return typeof projectId === 'number' && Number.isSafeInteger(projectId) && projectId > 0
    ? { project_id: projectId }
    : null;
}
