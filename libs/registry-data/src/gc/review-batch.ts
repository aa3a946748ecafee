import { Prisma } from '../client';
import { REVIEW_DELAY_SQL } from '../gc-reviews';

export interface ReviewBatchOptions {
  /** Reviews claimed (and rows changed) per transaction. */
  batchSize: number;
}

/**
 * When a review that found its row held by a request (a push linking or tagging it right now)
 * comes round again: soon, since the request commits within moments, but not in a busy loop.
 */
export const GC_BUSY_RETRY_SQL = Prisma.sql`now() + LEAST(interval '5 seconds', ${REVIEW_DELAY_SQL})`;

/** `now() - the review delay`: links made after this are young enough to keep. */
export const REVIEW_HORIZON_SQL = Prisma.sql`now() - ${REVIEW_DELAY_SQL}`;
