import type { CookieOptions, Response } from 'express';
import { CSRF_COOKIE, SESSION_COOKIE, csrfTokenFor } from '@stowage/http';

/**
 * The two cookies of a browser session (ADR 0013). The session cookie is HttpOnly and Lax, so a
 * link from elsewhere still arrives signed in; the CSRF cookie is readable by the single-page
 * app, which sends it back in `X-CSRF-Token`, and Strict, so no other site's request carries it.
 * Both are Secure when the public URL is https.
 */
function attributes(externalUrl: string, maxAgeMs: number): CookieOptions {
  return { path: '/', maxAge: maxAgeMs, secure: new URL(externalUrl).protocol === 'https:' };
}

export function setSessionCookies(
  res: Response,
  token: string,
  externalUrl: string,
  ttlSeconds: number,
): void {
  const common = attributes(externalUrl, ttlSeconds * 1000);
  res.cookie(SESSION_COOKIE, token, { ...common, httpOnly: true, sameSite: 'lax' });
  res.cookie(CSRF_COOKIE, csrfTokenFor(token), { ...common, httpOnly: false, sameSite: 'strict' });
}

/** Max-Age=0 with the same attributes, so the browser drops both. */
export function clearSessionCookies(res: Response, externalUrl: string): void {
  const common = attributes(externalUrl, 0);
  res.cookie(SESSION_COOKIE, '', { ...common, httpOnly: true, sameSite: 'lax' });
  res.cookie(CSRF_COOKIE, '', { ...common, httpOnly: false, sameSite: 'strict' });
}
