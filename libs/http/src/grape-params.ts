import { ApiError } from './errors';

/**
 * Request parameters (query or body) checked as GitLab's Grape API checks them, and refused in
 * its words: `{"error":"tags is invalid"}`, `{"error":"sort does not have a valid value"}`,
 * `{"error":"name_regex_delete is missing"}`. Shared by every service's GitLab-style REST API.
 */

export type Params = Record<string, unknown>;

export const invalidParam = (name: string) => new ApiError(400, { error: `${name} is invalid` });

export const invalidValue = (name: string) =>
  new ApiError(400, { error: `${name} does not have a valid value` });

// Grape's Boolean coercion accepts these spellings (case-insensitive).
const TRUE = new Set(['true', 't', '1', 'yes', 'y', 'on']);
const FALSE = new Set(['false', 'f', '0', 'no', 'n', 'off']);

/** A Boolean as JSON or form text; undefined when absent or empty. */
export function optionalBoolean(params: Params, name: string): boolean | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const text = value.toLowerCase();
    if (TRUE.has(text)) return true;
    if (FALSE.has(text)) return false;
  }
  throw invalidParam(name);
}

/** A Boolean that is false when absent. */
export function booleanParam(params: Params, name: string): boolean {
  return optionalBoolean(params, name) ?? false;
}

export function optionalString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidParam(name);
  return value;
}

/** A string that must be given (`{"error":"<name> is missing"}` otherwise). */
export function requiredString(params: Params, name: string): string {
  const value = optionalString(params, name);
  if (value === undefined) throw ApiError.missingParameter(name);
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

/** One of `values`; undefined when absent or empty. */
export function optionalEnum<T extends string>(
  params: Params,
  name: string,
  values: readonly T[],
): T | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
  throw invalidValue(name);
}

/** One of `values`; `fallback` when absent or empty. */
export function enumParam<T extends string>(
  params: Params,
  name: string,
  values: readonly T[],
  fallback: T,
): T {
  return optionalEnum(params, name, values) ?? fallback;
}

/**
 * A numeric path id (Grape's Integer, e.g. `:package_id`): anything else is refused before any
 * lookup, so no query ever sees a malformed id.
 */
export function integerIdParam(raw: string | undefined, name: string): number {
  if (raw === undefined || !/^\d{1,10}$/.test(raw)) throw invalidParam(name);
  const id = Number(raw);
  if (id < 1 || id >= 2 ** 31) throw invalidParam(name);
  return id;
}
