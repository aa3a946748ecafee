import { INTERNAL_SECRET_HEADER } from './internal-secret';

export interface InternalCallOptions {
  /** INTERNAL_API_SECRET, sent in INTERNAL_SECRET_HEADER when set. */
  secret?: string;
  /** Deadline of the whole call, body included. */
  timeoutMs: number;
}

export interface InternalAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body of a 200; undefined for any other status (its body is drained). */
  body: unknown;
}

/**
 * POSTs JSON to a peer's `/internal/v1` API. Rejects on a network error, a timeout or a 200 whose
 * body is not JSON; the caller decides what every status means. A non-200 body is read and
 * dropped so the connection goes back to the pool.
 */
export async function callInternalApi(
  url: string,
  payload: unknown,
  options: InternalCallOptions,
): Promise<InternalAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.secret) headers[INTERNAL_SECRET_HEADER] = options.secret;
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  if (response.status !== 200) {
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status, headers: response.headers, body: undefined };
  }
  return { status: 200, headers: response.headers, body: await response.json() };
}
