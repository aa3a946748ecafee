import type { JobHandler } from '@stowage/bus';
import { destroyPending, type PackageJobOptions } from './package-job-options';

/**
 * `package_registry.destruction.run`: queued by the Packages API after a deletion so it happens
 * now rather than at the next sweep. It carries no payload worth trusting: it destroys whatever is
 * pending, so a redelivery or a lost job changes nothing but timing.
 */
export function packageDestructionJob(options: PackageJobOptions): JobHandler {
  return async (job) => {
    const done = await destroyPending(options);
    options.logger.info('pending packages destroyed', { ...done, jobId: job.id });
  };
}
