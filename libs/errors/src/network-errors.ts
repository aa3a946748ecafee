import { causeChain } from './dependency-unavailable-error';

/**
 * Error codes with which Node's sockets say "the other side is not there (any more)". Each adapter
 * checks its vendor's errors against these to decide whether an outage, not a bug, failed a call.
 */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** True when `error` (or an error in its `cause` chain) is a socket-level connection failure. */
export function isNetworkFailure(error: unknown): boolean {
  for (const current of causeChain(error)) {
    const { code, name } = current as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    // Timeouts of AbortSignal.timeout() and the AWS SDK's request handler.
    if (name === 'TimeoutError') return true;
  }
  return false;
}
