import type { JobHandler } from '@stowage/bus';

/**
 * Queue name → handler. The worker consumes exactly these queues. Cleanup-policy runs, bulk tag
 * deletion, repository deletion, GC reviews, proxy TTL and package cleanup register here as
 * their issues land; today the table is empty, so the worker serves health and metrics only.
 */
export type JobHandlers = Record<string, JobHandler>;

export const JOB_HANDLERS: JobHandlers = {};
