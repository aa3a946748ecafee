import type { BlobStore } from '@stowage/blob-store';
import {
  deletePackageStorage,
  destroyPendingPackages,
  type PrismaClient as PackagePrismaClient,
} from '@stowage/package-registry-data';
import type { Logger } from '@stowage/logging';
import type { PackageCleanupMetrics } from './package-cleanup-metrics';

/** What the package registry's cleanup jobs work with. */
export interface PackageJobOptions {
  /** The package registry's tables (its own schema and client; package-registry migrates them). */
  packages: PackagePrismaClient;
  blobs: BlobStore;
  logger: Logger;
  /** Rows removed per transaction. */
  batchSize?: number;
  metrics?: PackageCleanupMetrics;
  /** How long deleted files' objects wait before removal (default the library's, 10 minutes). */
  storageDeletionDelayMs?: number;
}

export interface DestructionSummary {
  packages: number;
  files: number;
  objectsDeleted: number;
  objectsFailed: number;
}

/**
 * Deletes every package and file pending destruction (not only one job's: the work is shared, and
 * whoever comes first does it), then the objects that are due and no file uses. The objects of
 * what this pass deleted are not due yet (the deletion delay); a later sweep removes them.
 */
export async function destroyPending(options: PackageJobOptions): Promise<DestructionSummary> {
  const { packages: prisma, blobs, batchSize, metrics, storageDeletionDelayMs } = options;
  const destroyed = await destroyPendingPackages(prisma, { batchSize, storageDeletionDelayMs });
  metrics?.rowsDestroyed.inc({ kind: 'package' }, destroyed.packages);
  metrics?.rowsDestroyed.inc({ kind: 'package_file' }, destroyed.files);
  const objects = await deletePackageStorage(prisma, blobs, { batchSize });
  metrics?.objectsDeleted.inc({ kind: 'file' }, objects.deleted);
  return {
    packages: destroyed.packages,
    files: destroyed.files,
    objectsDeleted: objects.deleted,
    objectsFailed: objects.failed,
  };
}
