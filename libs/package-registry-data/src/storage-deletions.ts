import type { PackageDb } from './client';

/**
 * How long an unreferenced object waits before it is removed. A publish of the same bytes takes
 * the object back by deleting its deletion row (cancelStorageDeletion) before it adds its file
 * row; the delay covers the moment between that publish's upload and its commit, so a sweep never
 * removes an object a publish is about to point at.
 */
export const STORAGE_DELETION_DELAY_MS = 10 * 60 * 1000;

/** Queues objects for removal once due and unreferenced (idempotent: the later due time wins). */
export async function scheduleStorageDeletions(
  db: PackageDb,
  storageKeys: readonly string[],
  delayMs = STORAGE_DELETION_DELAY_MS,
): Promise<void> {
  const keys = [...new Set(storageKeys)];
  if (keys.length === 0) return;
  const dueAt = new Date(Date.now() + delayMs);
  await db.$executeRaw`
    INSERT INTO package_registry.package_storage_deletions (storage_key, due_at)
      SELECT k, ${dueAt} FROM unnest(${keys}::text[]) AS k
    ON CONFLICT (storage_key) DO UPDATE SET due_at = GREATEST(package_storage_deletions.due_at, EXCLUDED.due_at)`;
}

/**
 * Takes an object back from the deletion queue before a new file row points at it. Run inside the
 * publishing transaction: a sweep that holds the row waits for nothing (the publish waits for it),
 * and a sweep that comes later finds no row.
 */
export async function cancelStorageDeletion(db: PackageDb, storageKey: string): Promise<void> {
  await db.$executeRaw`
    DELETE FROM package_registry.package_storage_deletions WHERE storage_key = ${storageKey}`;
}
