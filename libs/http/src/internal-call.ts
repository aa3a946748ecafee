import { INTERNAL_SECRET_HEADER } from './internal-secret';

export interface InternalCallOptions {
  /** INTERNAL_API_SECRET, sent in INTERNAL_SECRET_HEADER when set. */
  secret?: string;
  /** Deadline of the whole call, body included. */
  timeoutMs: number;
  /** Default POST; a GET sends no body. */
  method?: 'GET' | 'POST' | 'PUT';
}

export interface InternalAnswer {
  status: number;
  headers: Headers;
  /**
   * The parsed JSON body of a 200, or of a 400 (a peer's refusal the caller may pass on);
   * undefined for any other status (its body is drained).
   */
  body: unknown;
}

/**
 * Calls a peer's `/internal/v1` API with JSON (POST unless `method` says otherwise). Rejects on
 * a network error, a timeout or a 200 whose body is not JSON; the caller decides what every
 * status means. Other bodies are read (a 400's kept when it is JSON) so the connection goes
 * back to the pool.
 */
export async function callInternalApi(
  url: string,
  payload: unknown,
  options: InternalCallOptions,
): Promise<InternalAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.secret) headers[INTERNAL_SECRET_HEADER] = options.secret;
  const method = options.method ?? 'POST';
  const response = await fetch(url, {
    method,
    headers,
    body: method === 'GET' ? undefined : JSON.stringify(payload),
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  if (response.status === 400) {
    const body: unknown = await response.json().catch(() => undefined);
    return { status: 400, headers: response.headers, body };
  }
  if (response.status !== 200) {
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status, headers: response.headers, body: undefined };
  }
  return { status: 200, headers: response.headers, body: await response.json() };
}
