/**
 * A thin client for the registry's `/v2` API through the gateway, on Node's own fetch: every
 * request is sent as written (no client library fixes anything up), and every answer is read to
 * the end so a test can assert on its status, headers and exact bytes.
 */

export interface RegistryResponse {
  /** `METHOD /path?query`, for failure messages. */
  readonly request: string;
  readonly status: number;
  readonly headers: Headers;
  /** The body's bytes, exactly as received (empty for HEAD). */
  readonly body: Buffer;
  text(): string;
  json<T = unknown>(): T;
  /** What a failed assertion should show: the request, status, body, and server output on a 5xx. */
  summary(): ResponseSummary;
}

export interface ResponseSummary {
  request: string;
  status: number;
  /** The `code` of each error in an OCI error body; empty when the body is no such thing. */
  errorCodes: string[];
  body: string;
  server?: string;
}

export interface RequestOptions {
  /** A registry token, sent as `Authorization: Bearer`. */
  token?: string;
  headers?: Record<string, string>;
  /** A stream is sent with chunked transfer encoding, without Content-Length. */
  body?: Buffer | string | ReadableStream<Uint8Array>;
}

export interface RegistryClient {
  /** `http://127.0.0.1:<port>`: the gateway, on loopback. */
  readonly base: string;
  /** `pathOrUrl` may be a path or an absolute URL, e.g. a `Location` the registry answered. */
  send(method: string, pathOrUrl: string, options?: RequestOptions): Promise<RegistryResponse>;
  /** `pathOrUrl` resolved against the gateway with `query` set (added to any query it already has). */
  url(pathOrUrl: string, query?: Record<string, string>): string;
}

const BODY_IN_SUMMARY = 1500;

function errorCodesOf(text: string): string[] {
  try {
    const parsed = JSON.parse(text) as { errors?: Array<{ code?: unknown }> };
    return Array.isArray(parsed.errors) ? parsed.errors.map((error) => String(error.code)) : [];
  } catch {
    return [];
  }
}

/**
 * `describeServer` tells what the server printed lately; it is added to the summary of a 5xx,
 * whose cause is only in the server's log.
 */
export function registryClient(base: string, describeServer: () => string): RegistryClient {
  const url = (pathOrUrl: string, query: Record<string, string> = {}) => {
    const resolved = new URL(pathOrUrl, base);
    for (const [key, value] of Object.entries(query)) resolved.searchParams.set(key, value);
    return resolved.href;
  };

  return {
    base,
    url,
    async send(method, pathOrUrl, options = {}) {
      const target = url(pathOrUrl);
      const headers: Record<string, string> = { ...options.headers };
      if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
      const streamed = options.body instanceof ReadableStream;
      const response = await fetch(target, {
        method,
        headers,
        body: options.body,
        // Node's fetch needs this for a streamed body; it sends the request before the answer.
        ...(streamed ? { duplex: 'half' } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(60_000),
      } as RequestInit);
      const body = Buffer.from(await response.arrayBuffer());
      const { pathname, search } = new URL(target);
      const request = `${method} ${pathname}${search}`;
      const text = () => body.toString('utf8');
      return {
        request,
        status: response.status,
        headers: response.headers,
        body,
        text,
        json: <T>() => JSON.parse(text()) as T,
        summary: () => ({
          request,
          status: response.status,
          errorCodes: errorCodesOf(text()),
          body: text().slice(0, BODY_IN_SUMMARY),
          ...(response.status >= 500 ? { server: describeServer() } : {}),
        }),
      };
    },
  };
}

/** A body sent in `chunks` with chunked transfer encoding, as docker streams a layer. */
export function streamOf(chunks: Buffer[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < chunks.length) controller.enqueue(new Uint8Array(chunks[next++]!));
      else controller.close();
    },
  });
}
