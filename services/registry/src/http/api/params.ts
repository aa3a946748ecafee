import { ApiError } from '@stowage/http';

/**
 * Request parameters refused in Grape's words, as GitLab does: `{"error":"tags is invalid"}`,
 * `{"error":"sort does not have a valid value"}`, `{"error":"name_regex_delete is missing"}`.
 */

export type Params = Record<string, unknown>;

export const invalidParam = (name: string) => new ApiError(400, { error: `${name} is invalid` });

// Grape's Boolean coercion accepts these spellings (case-insensitive).
const TRUE = new Set(['true', 't', '1', 'yes', 'y', 'on']);
const FALSE = new Set(['false', 'f', '0', 'no', 'n', 'off']);

export function booleanParam(params: Params, name: string): boolean {
  const value = params[name];
  if (value === undefined || value === '') return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const text = value.toLowerCase();
    if (TRUE.has(text)) return true;
    if (FALSE.has(text)) return false;
  }
  throw invalidParam(name);
}

export function optionalString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidParam(name);
  return value;
}

/** A non-negative integer, as JSON or form text; undefined when absent or empty. */
export function optionalCount(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d{1,9}$/.test(value)) return Number(value);
  throw invalidParam(name);
}

export function enumParam<T extends string>(
  params: Params,
  name: string,
  values: readonly T[],
  fallback: T,
): T {
  const value = params[name];
  if (value === undefined || value === '') return fallback;
  if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
  throw new ApiError(400, { error: `${name} does not have a valid value` });
}

/** `:repository_id` (Grape's Integer): anything else is refused before any lookup. */
export function repositoryIdParam(raw: string | undefined): bigint {
  if (raw === undefined || !/^\d{1,18}$/.test(raw)) throw invalidParam('repository_id');
  return BigInt(raw);
}
