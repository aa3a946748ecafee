import type { Request } from 'express';

/**
 * PEP 691's content negotiation: the client lists the simple API's media types in `Accept` with
 * q-values; it gets the best one it accepts, HTML when it states no preference (PEP 503 clients
 * send no Accept at all), and 406 when it accepts none of them.
 */

export const JSON_TYPE = 'application/vnd.pypi.simple.v1+json';
export const HTML_TYPE = 'application/vnd.pypi.simple.v1+html';
export const LEGACY_HTML_TYPE = 'text/html';

/** In the server's order of preference for a tie (text/html first: what a bare client and a browser want). */
const OFFERED = [
  LEGACY_HTML_TYPE,
  HTML_TYPE,
  JSON_TYPE,
  'application/vnd.pypi.simple.latest+html',
  'application/vnd.pypi.simple.latest+json',
];

export type Representation = { kind: 'html' | 'json'; contentType: string };

/** The representation to answer with, or null when the client accepts none (406). */
export function chooseRepresentation(req: Request): Representation | null {
  const chosen = req.accepts(OFFERED);
  if (!chosen) return null;
  // `latest` names the newest version, which is v1 (and says so in its Content-Type).
  const kind = chosen.endsWith('+json') ? 'json' : 'html';
  const contentType =
    chosen === LEGACY_HTML_TYPE ? 'text/html; charset=utf-8' : kind === 'json' ? JSON_TYPE : HTML_TYPE;
  return { kind, contentType };
}
