import { ApiError } from '@stowage/http';
import { z } from 'zod';

/**
 * Request parameters, validated with zod and refused in Grape's words, as GitLab does:
 * `{"error":"name is missing"}`, `{"error":"visibility does not have a valid value"}`,
 * `{"error":"id is invalid"}`; several problems are joined with ", ".
 * Bodies may be JSON or form-encoded (curl --data), so booleans and numbers also arrive as text.
 */
export function parseParams<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  // reportInput: zod 4 leaves `input` off issues otherwise, and a wrong type would read as missing.
  const result = schema.safeParse(input ?? {}, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || 'body';
    // Absent from the request, or made absent by a preprocess (an empty list); coercions and
    // unions report something else for an absent value, hence the look at the raw input.
    const absent =
      valueAt(input, issue.path) === undefined ||
      (issue.code === 'invalid_type' && issue.input === undefined);
    if (absent) return `${field} is missing`;
    if (issue.code === 'invalid_value') return `${field} does not have a valid value`;
    return `${field} is invalid`;
  });
  throw new ApiError(400, { error: [...new Set(problems)].join(', ') });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** `true`/`false` as JSON or as form text. */
export const booleanParam = z.union([z.boolean(), z.stringbool()]);

/** A positive id as JSON number or form text. */
export const idParam = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);

/** A `YYYY-MM-DD` date (expiry dates of tokens and memberships), read as that day's UTC midnight. */
export const dateParam = z.iso.date().transform((text) => new Date(`${text}T00:00:00.000Z`));
