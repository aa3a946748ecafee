import { Prisma } from '../client';

export interface ReviewBatchOptions {
  /** Reviews claimed (and rows changed) per transaction. */
  batchSize: number;
}

/**
 * When a review that found its row held by a request (a push linking or tagging it right now)
 * comes round again: soon, since the request commits within moments, but not in a busy loop.
 */
export const GC_BUSY_RETRY_SQL = Prisma.sql`now() + LEAST(interval '5 seconds', (SELECT review_delay_ms FROM registry.gc_settings WHERE id = 1) * interval '1 millisecond')`;

/** The configured review delay, as an SQL interval. */
export const REVIEW_DELAY_SQL = Prisma.sql`((SELECT review_delay_ms FROM registry.gc_settings WHERE id = 1) * interval '1 millisecond')`;

/** `now() - the review delay`: links made after this are young enough to keep. */
export const REVIEW_HORIZON_SQL = Prisma.sql`now() - (SELECT review_delay_ms FROM registry.gc_settings WHERE id = 1) * interval '1 millisecond'`;
