import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from './errors';

/** Header a service sends its peers' `/internal/v1` APIs, holding the shared INTERNAL_API_SECRET. */
export const INTERNAL_SECRET_HEADER = 'X-Stowage-Internal-Secret';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Refuses (403) callers that do not present `secret` in INTERNAL_SECRET_HEADER; an empty `secret`
 * lets everyone through. Compared in constant time: digests have equal lengths, so
 * timingSafeEqual never throws and neither the secret's content nor its length leaks.
 */
export function requireInternalSecret(secret: string): RequestHandler {
  const expected = digest(secret);
  return (req, _res, next) => {
    if (!secret) return next();
    const presented = req.get(INTERNAL_SECRET_HEADER);
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) throw ApiError.forbidden();
    next();
  };
}
