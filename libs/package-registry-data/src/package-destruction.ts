import type { PackageDb, PrismaClient } from './client';
import { scheduleStorageDeletions } from './storage-deletions';

export interface DestructionOptions {
  /** Rows of each table deleted per transaction. */
  batchSize?: number;
  /** How long the deleted files' objects wait before they may be removed (STORAGE_DELETION_DELAY_MS). */
  storageDeletionDelayMs?: number;
}

export interface DestructionOutcome {
  /** File rows deleted (their own status or their package's was pending_destruction). */
  files: number;
  /** Package rows deleted (pending_destruction, their files gone). */
  packages: number;
}

const DEFAULT_BATCH_SIZE = 100;

/**
 * Deletes the packages and files marked `pending_destruction` (by the Packages API's deletions
 * and by cleanup policies), one batch per transaction: the rows are claimed `FOR UPDATE SKIP
 * LOCKED`, so every worker replica can run this at once, and a worker killed mid-way leaves
 * consistent, fewer rows for the next pass. Each deleted file's object is queued for removal
 * (scheduleStorageDeletions); deletePackageStorage removes it once no other file uses it.
 */
export async function destroyPendingPackages(
  prisma: PrismaClient,
  options: DestructionOptions = {},
): Promise<DestructionOutcome> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const total: DestructionOutcome = { files: 0, packages: 0 };
  for (;;) {
    const batch = await prisma.$transaction((tx) =>
      destroyBatch(tx, batchSize, options.storageDeletionDelayMs),
    );
    total.files += batch.files;
    total.packages += batch.packages;
    if (batch.files < batchSize && batch.packages < batchSize) return total;
  }
}

async function destroyBatch(
  tx: PackageDb,
  batchSize: number,
  storageDeletionDelayMs: number | undefined,
): Promise<DestructionOutcome> {
  const files = await tx.$queryRaw<{ storage_key: string }[]>`
    DELETE FROM package_registry.package_files AS f
      USING (SELECT pf.id FROM package_registry.package_files pf
               JOIN package_registry.packages p ON p.id = pf.package_id
              WHERE pf.status = 'pending_destruction' OR p.status = 'pending_destruction'
              ORDER BY pf.id LIMIT ${batchSize}
                FOR UPDATE OF pf SKIP LOCKED) AS doomed
      WHERE f.id = doomed.id
      RETURNING f.storage_key`;
  await scheduleStorageDeletions(
    tx,
    files.map((row) => row.storage_key),
    storageDeletionDelayMs,
  );
  // Only packages whose files are all gone: a file another pass holds keeps its package (and
  // the cascade from removing a row whose object was never queued) until that pass commits.
  const packages = await tx.$executeRaw`
    DELETE FROM package_registry.packages AS p
      USING (SELECT id FROM package_registry.packages pk
              WHERE pk.status = 'pending_destruction'
                AND NOT EXISTS (SELECT 1 FROM package_registry.package_files f WHERE f.package_id = pk.id)
              ORDER BY id LIMIT ${batchSize}
                FOR UPDATE SKIP LOCKED) AS doomed
      WHERE p.id = doomed.id`;
  return { files: files.length, packages };
}
