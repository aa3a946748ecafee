import { z } from 'zod';

/**
 * A list of scopes as GitLab takes it: a JSON array, repeated form fields (`scopes[]=api`) or one
 * comma-separated string. An empty list counts as missing; any unknown entry fails the whole
 * parameter as `scopes does not have a valid value`.
 */
export function scopesParam<const S extends readonly string[]>(allowed: S) {
  const toList = (raw: unknown) => {
    const list = typeof raw === 'string' ? raw.split(',').map((scope) => scope.trim()) : raw;
    return Array.isArray(list) && list.filter((scope) => scope !== '').length === 0 ? undefined : list;
  };
  const isAllowed = (scope: string): scope is S[number] => allowed.includes(scope);
  return z.preprocess(toList, z.array(z.string())).transform((list, ctx) => {
    if (!list.every(isAllowed)) {
      ctx.addIssue({ code: 'invalid_value', values: [...allowed], input: list });
      return z.NEVER;
    }
    return [...new Set(list)] as S[number][];
  });
}

/** An exact instant (`2030-01-31T12:00:00Z`) or a day (`2030-01-31`, its UTC midnight). */
export const instantParam = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((text) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00.000Z` : text));
