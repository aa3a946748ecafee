import { invalidParam } from '@stowage/http';

/** `:repository_id` (Grape's Integer, a bigint here): anything else is refused before any lookup. */
export function repositoryIdParam(raw: string | undefined): bigint {
  if (raw === undefined || !/^\d{1,18}$/.test(raw)) throw invalidParam('repository_id');
  return BigInt(raw);
}
