import { ApiError } from '@stowage/http';
import type { RestApiContext } from './rest-api-context';

/**
 * Queues a job whose scheduling the caller has already recorded; when the queue refuses it,
 * `undo` takes the record back (so nothing is left half-done) and the client gets a 503 to retry.
 */
export async function enqueueOrUndo(
  ctx: RestApiContext,
  queue: string,
  payload: unknown,
  undo: () => Promise<void>,
): Promise<void> {
  try {
    await ctx.jobs.enqueue(queue, payload);
  } catch (error) {
    await undo();
    const failure = new ApiError(503, { message: '503 Service Unavailable' });
    failure.cause = error;
    throw failure;
  }
}
