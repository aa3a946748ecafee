import type { BlobStore } from './ports';

export interface StaleObjectOptions {
  /** Objects last modified longer ago than this are deleted. */
  olderThanMs: number;
  /** Most objects deleted per call, so one pass stays short. */
  limit?: number;
  now?: Date;
}

export interface StaleObjectOutcome {
  deleted: number;
  failed: number;
}

/**
 * Deletes the objects under `prefix` older than the cutoff: what writes that crashed mid-stream
 * (a killed process) left under a context's staging prefix, which no row names, so storage is
 * listed. A write still running is younger than the cutoff and is left alone.
 */
export async function deleteObjectsOlderThan(
  blobs: BlobStore,
  prefix: string,
  options: StaleObjectOptions,
): Promise<StaleObjectOutcome> {
  const cutoff = (options.now ?? new Date()).getTime() - options.olderThanMs;
  const limit = options.limit ?? 100;
  const stale: string[] = [];
  // Collected first: deleting while a listing is being read is not something every adapter allows.
  for await (const object of blobs.list(prefix)) {
    if (object.modifiedAt.getTime() < cutoff) stale.push(object.key);
    if (stale.length >= limit) break;
  }
  const results = await Promise.allSettled(stale.map((key) => blobs.delete(key)));
  const failed = results.filter((result) => result.status === 'rejected').length;
  return { deleted: stale.length - failed, failed };
}
