import { format, type Logform } from 'winston';

/**
 * Credentials must never reach the logs, even when a caller logs a whole header map or error.
 * Values under these keys (case-insensitive, at any depth) are replaced before formatting.
 */
const SECRET_KEYS =
  /^(authorization|proxy-authorization|password|passwd|secret|token|access_token|refresh_token|private-token|deploy-token|job-token|job_token|cookie|set-cookie|private_key|privatekeypem|secretaccesskey)$/i;
const REDACTED = '[redacted]';

/** Credentials embedded in URLs (`scheme://user:pass@host`). */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi;

/**
 * An Error's own enumerable fields are usually none, so JSON would log it as `{}`: spell out what
 * a reader needs (name, message, code, the cause chain, and the stack of the outermost error).
 */
function describeError(error: Error, depth: number): Record<string, unknown> {
  const described: Record<string, unknown> = { ...error, name: error.name, message: error.message };
  if (depth <= 1) described.stack = error.stack;
  if (error.cause !== undefined) described.cause = error.cause;
  // AggregateError (e.g. a connection attempt to every address of a host) hides the real reasons.
  if (error instanceof AggregateError) described.errors = error.errors;
  return described;
}

export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return value;
  if (typeof value === 'string') return value.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
  if (value instanceof Error) return redactValue(describeError(value, depth), depth + 1);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = SECRET_KEYS.test(key) ? REDACTED : redactValue(inner, depth + 1);
    }
    return out;
  }
  return value;
}

export const redactSecrets: () => Logform.Format = format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level') continue;
    info[key] = SECRET_KEYS.test(key) ? REDACTED : redactValue(info[key]);
  }
  return info;
});
