import type { Request } from 'express';
import { z } from 'zod';
import { parseRef, type Ref } from '../../domain/lookup';
import { VISIBILITIES } from '../../domain/visibility';
import { idParam } from './params';

/** Parameters the group, project and member endpoints share. */

export const visibilityParam = z.enum(VISIBILITIES);

/** An id that may also be sent as null or empty text, meaning "none". */
export const optionalIdParam = z.preprocess(
  (value) => (value === null || value === '' ? undefined : value),
  idParam.optional(),
);

/** GitLab's access levels 10..50; anything else "does not have a valid value". */
export const accessLevelParam = z.coerce.number().pipe(z.literal([10, 20, 30, 40, 50]));

export const sortParam = z.enum(['asc', 'desc']);

/** `:id` of a group or project: a number or a full path (Express has decoded `%2F` already). */
export function refParam(req: Request): Ref {
  return parseRef(String(req.params.id ?? ''));
}
