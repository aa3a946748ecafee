import type { RequestHandler } from 'express';

/**
 * Shaped like Express's own client errors (`status` and `expose`), so the error handler answers it
 * as a 400 in the route's format. Express's router does throw a URIError with status 400 when it
 * decodes a malformed route parameter, but without `expose`, so it used to become a 500.
 */
class MalformedUrlError extends Error {
  readonly status = 400;
  readonly expose = true;
}

/**
 * What is wrong with one part of the URL (path or query) once percent-decoded, or undefined.
 * decodeURIComponent refuses bad escapes (`%ZZ`, `%4`) and bytes that are not UTF-8 (`%C0%AF`,
 * encoded surrogates); decoding the whole part is the same as decoding each segment or parameter,
 * since `/`, `&` and `=` are ASCII and cannot sit inside a multi-byte sequence. A NUL byte is
 * refused too: no name, id or filter holds one, and PostgreSQL rejects it in text, a 500 otherwise.
 */
function problemWith(part: string): string | undefined {
  if (!part.includes('%')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(part);
  } catch {
    return 'malformed percent-encoding or invalid UTF-8';
  }
  return decoded.includes('\0') ? 'a NUL byte' : undefined;
}

/**
 * Refuses a request whose path or query cannot be decoded, before any route reads a parameter,
 * so that bad input is a 400 in every service (and the gateway) rather than whatever each
 * handler's parsing makes of it.
 */
export function rejectMalformedUrl(): RequestHandler {
  return (req, _res, next) => {
    const url = req.url;
    const mark = url.indexOf('?');
    const parts = mark === -1 ? { path: url } : { path: url.slice(0, mark), query: url.slice(mark + 1) };
    for (const [where, text] of Object.entries(parts)) {
      const problem = problemWith(text);
      if (problem) return next(new MalformedUrlError(`Bad request - ${problem} in the ${where}`));
    }
    next();
  };
}
