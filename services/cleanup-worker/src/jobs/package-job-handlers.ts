import { PACKAGE_CLEANUP_POLICY_QUEUE, PACKAGE_DESTRUCTION_QUEUE } from '@stowage/package-registry-data';
import type { JobHandlers } from './job-handlers';
import { packageCleanupPolicyJob } from './package-cleanup-policy-job';
import { packageDestructionJob } from './package-destruction-job';
import type { PackageJobOptions } from './package-job-options';

/**
 * The package registry's jobs: apart from the registry's and the proxy's because they work on
 * another schema through another client; the service consumes every table's queues.
 */
export function createPackageJobHandlers(options: PackageJobOptions): JobHandlers {
  return {
    [PACKAGE_DESTRUCTION_QUEUE]: packageDestructionJob(options),
    [PACKAGE_CLEANUP_POLICY_QUEUE]: packageCleanupPolicyJob(options),
  };
}
