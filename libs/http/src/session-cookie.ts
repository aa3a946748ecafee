import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Browser sessions (ADR 0013): auth-token sets the session cookie at sign-in, every service
 * accepts it as the weakest credential, and the gateway requires the CSRF token on writes that
 * carry it. The names and the derivation live here so the three agree.
 */

/** HttpOnly; its value is the session's secret, stored only as a SHA-256 digest. */
export const SESSION_COOKIE = '_stowage_session';
/** Readable by the single-page app, which echoes it in CSRF_HEADER on writes. */
export const CSRF_COOKIE = '_stowage_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Headers that carry a token credential. Any of them wins over the session cookie, and a request
 * that carries one was not sent by a browser on its own (a cross-site page cannot add them
 * without a CORS preflight, which nothing here answers), so it needs no CSRF token.
 */
const TOKEN_HEADERS = ['private-token', 'job-token', 'deploy-token', 'authorization'] as const;

export function hasTokenHeader(headers: IncomingHttpHeaders): boolean {
  return TOKEN_HEADERS.some((name) => headers[name] !== undefined);
}

/** The value of cookie `name` in a Cookie header, or undefined (absent or empty). */
export function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const pair of cookieHeader.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0 || pair.slice(0, equals).trim() !== name) continue;
    const value = pair.slice(equals + 1).trim();
    return value ? value : undefined;
  }
  return undefined;
}

/**
 * The session cookie's value when it is the request's credential: none of the token headers is
 * present (they take precedence, and a request with one skipped the CSRF check).
 */
export function sessionTokenOf(headers: IncomingHttpHeaders): string | undefined {
  if (headers.cookie === undefined || hasTokenHeader(headers)) return undefined;
  return cookieValue(headers.cookie, SESSION_COOKIE);
}

/**
 * The CSRF token of a session: derived from its secret, so nothing more is stored and any
 * gateway replica can check it, yet it does not reveal the secret (the CSRF cookie is readable
 * by scripts, the session cookie is not).
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`csrf:${sessionToken}`, 'utf8').digest('base64url');
}

/** Whether `presented` is the session's CSRF token, compared in constant time. */
export function csrfTokenMatches(sessionToken: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
