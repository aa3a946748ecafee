import { UpstreamInvalidResponseError, UpstreamUnavailableError } from './errors';
import { discard, type UpstreamResponse } from './transport';

/**
 * Seconds from a `Retry-After` header (delay-seconds or an HTTP date), or undefined when there is
 * none or it cannot be read: then the caller's default applies.
 */
export function retryAfterSeconds(
  value: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * The error for a response that is neither a success nor a 404 nor an auth failure; reads away its
 * body. 429 and 5xx mean "not now" (Docker Hub's pull limit answers 429), anything else means the
 * upstream does not speak the protocol as expected.
 */
export async function unexpectedStatus(
  upstream: string,
  response: UpstreamResponse,
): Promise<UpstreamUnavailableError | UpstreamInvalidResponseError> {
  await discard(response);
  const { status } = response;
  if (status === 429 || status >= 500) {
    return new UpstreamUnavailableError(upstream, `answered ${status}`, {
      retryAfterSeconds: retryAfterSeconds(response.headers['retry-after']),
    });
  }
  return new UpstreamInvalidResponseError(upstream, `unexpected status ${status}`);
}

/** A single header value; repeated headers are ambiguous for the ones read here, so the first wins. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
