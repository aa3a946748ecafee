import type { Request, RequestHandler } from 'express';
import {
  ApiError,
  cookieValue,
  CSRF_HEADER,
  csrfTokenMatches,
  hasTokenHeader,
  OciError,
  SESSION_COOKIE,
} from '@stowage/http';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Has no session yet, so no CSRF token; its Origin is still checked (no signing in from another site). */
const SIGN_IN_PATH = '/users/sign_in';
const REFUSAL = 'CSRF token is missing or invalid';

function refusal(req: Request): Error {
  return req.path.startsWith('/v2')
    ? new OciError('DENIED', undefined, REFUSAL)
    : new ApiError(403, { message: `403 Forbidden - ${REFUSAL}` });
}

/**
 * Cross-site request forgery protection for browser sessions (ADR 0013), in the gateway so one
 * place covers both modes. A write that carries the session cookie and no token header must
 * echo the session's CSRF token in `X-CSRF-Token`, and come from our own origin when the browser
 * says where it comes from (`Origin`). Requests with a token header are not a browser acting on
 * its own; they pass, and the services then ignore the cookie.
 *
 * Hot paths (ADR 0011) carry no cookie: for them this costs one header lookup and a comparison
 * of the method (and of the path for POSTs).
 */
export function csrfGuard(externalUrl: string): RequestHandler {
  const ownOrigin = new URL(externalUrl).origin;
  const originAllowed = (req: Request) => {
    const origin = req.headers.origin;
    return origin === undefined || origin === ownOrigin;
  };
  return (req, _res, next) => {
    const cookies = req.headers.cookie;
    if (cookies === undefined && req.method !== 'POST') return next();
    if (req.method === 'POST' && req.path === SIGN_IN_PATH) {
      return next(originAllowed(req) ? undefined : refusal(req));
    }
    if (cookies === undefined || !UNSAFE_METHODS.has(req.method) || hasTokenHeader(req.headers))
      return next();
    const session = cookieValue(cookies, SESSION_COOKIE);
    if (session === undefined) return next();
    const header = req.headers[CSRF_HEADER];
    const presented = typeof header === 'string' ? header : undefined;
    next(csrfTokenMatches(session, presented) && originAllowed(req) ? undefined : refusal(req));
  };
}
