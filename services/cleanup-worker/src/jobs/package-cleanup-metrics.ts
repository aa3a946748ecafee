import { Counter, type Metrics } from '@stowage/http';

/**
 * What cleaning the package registry reports to Prometheus, under `stowage_cleanup_packages_`
 * beside the registry's and the dependency proxy's cleanup series.
 */
export interface PackageCleanupMetrics {
  /** Rows deleted that were pending destruction, by kind (package, package_file). */
  rowsDestroyed: Counter<'kind'>;
  /** Files a cleanup policy marked for destruction (older duplicates). */
  policyFilesMarked: Counter;
  /** Objects removed from storage, by kind (file: no package file uses it; upload: a crashed upload's). */
  objectsDeleted: Counter<'kind'>;
}

export function createPackageCleanupMetrics(metrics: Metrics): PackageCleanupMetrics {
  const registers = [metrics.registry];
  return {
    rowsDestroyed: new Counter({
      name: 'stowage_cleanup_packages_rows_destroyed_total',
      help: 'Package registry rows deleted after being marked pending_destruction, by kind (package, package_file).',
      labelNames: ['kind'],
      registers,
    }),
    policyFilesMarked: new Counter({
      name: 'stowage_cleanup_packages_policy_files_marked_total',
      help: 'Package files that cleanup policies (keep_n_duplicated_package_files) marked for destruction.',
      registers,
    }),
    objectsDeleted: new Counter({
      name: 'stowage_cleanup_packages_objects_deleted_total',
      help: 'Package registry objects deleted from storage, by kind (file: no package file uses it any more; upload: left by a crashed upload).',
      labelNames: ['kind'],
      registers,
    }),
  };
}
