import { Agent, request, type Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { UpstreamInvalidResponseError, UpstreamUnavailableError } from './errors';
import type { UpstreamRequestEvent } from './types';

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
/** As browsers and Docker's client do; object storage needs one hop, a CDN maybe two. */
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface OutgoingRequest {
  method: 'GET' | 'HEAD';
  url: URL;
  headers: Record<string, string>;
  signal?: AbortSignal;
  /** What `observe` reports as the method: `TOKEN` for token requests. */
  metricMethod?: string;
}

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Must be consumed, dumped or destroyed. */
  body: Readable & { dump(options?: { limit: number }): Promise<void> };
  /** Where the response came from, after redirects. */
  url: URL;
}

/** Builds the connection pool a registry uses when none is passed in. */
export function createUpstreamDispatcher(connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS): Dispatcher {
  return new Agent({ connect: { timeout: connectTimeoutMs } });
}

/**
 * Sends single HTTP requests to one upstream: turns socket failures and timeouts into
 * UpstreamUnavailableError and reports every request to `observe`. Timeouts are idle timeouts
 * (headers, then between body chunks), never a total one, because a layer may take minutes.
 */
export class UpstreamTransport {
  constructor(
    private readonly upstream: string,
    private readonly dispatcher: Dispatcher,
    private readonly idleTimeoutMs: number,
    private readonly observe: (event: UpstreamRequestEvent) => void,
  ) {}

  async send(outgoing: OutgoingRequest): Promise<UpstreamResponse> {
    const method = outgoing.metricMethod ?? outgoing.method;
    try {
      const response = await request(outgoing.url, {
        method: outgoing.method,
        headers: outgoing.headers,
        signal: outgoing.signal,
        dispatcher: this.dispatcher,
        headersTimeout: this.idleTimeoutMs,
        bodyTimeout: this.idleTimeoutMs,
      });
      this.observe({ upstream: this.upstream, method, outcome: String(response.statusCode) });
      return {
        status: response.statusCode,
        headers: response.headers,
        body: response.body,
        url: outgoing.url,
      };
    } catch (error) {
      this.observe({ upstream: this.upstream, method, outcome: 'error' });
      throw this.translate(error, outgoing.signal);
    }
  }

  /**
   * Sends the request and follows redirects itself: blob GETs are commonly redirected to object
   * storage on another origin, which must not see the upstream's Authorization header (it would
   * leak the credentials, and S3-style storage refuses a request carrying two authentications).
   */
  async sendFollowingRedirects(outgoing: OutgoingRequest): Promise<UpstreamResponse> {
    const origin = outgoing.url.origin;
    let current = outgoing;
    for (let redirects = 0; ; redirects++) {
      const response = await this.send(current);
      const location = response.headers.location;
      if (!REDIRECT_STATUSES.has(response.status) || typeof location !== 'string') return response;
      await discard(response);
      if (redirects === MAX_REDIRECTS) {
        throw new UpstreamInvalidResponseError(this.upstream, `more than ${MAX_REDIRECTS} redirects`);
      }
      current = this.redirected(current, location, origin);
    }
  }

  /** Turns a failure to get a response into the error callers handle; a caller's abort stays as it is. */
  translate(error: unknown, signal?: AbortSignal): unknown {
    if (signal?.aborted) return error;
    if (error instanceof UpstreamUnavailableError || error instanceof UpstreamInvalidResponseError) {
      return error;
    }
    // Refused, reset, timed out or unparsable: in every case nothing usable came, and the caller
    // should fall back to its cache rather than fail as if it had a bug.
    const reason = error instanceof Error ? error.message : String(error);
    return new UpstreamUnavailableError(this.upstream, `request failed: ${reason}`, { cause: error });
  }

  private redirected(previous: OutgoingRequest, location: string, origin: string): OutgoingRequest {
    let url: URL;
    try {
      url = new URL(location, previous.url);
    } catch (error) {
      throw new UpstreamInvalidResponseError(this.upstream, 'redirect to an invalid URL', { cause: error });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UpstreamInvalidResponseError(this.upstream, `redirect to a ${url.protocol} URL`);
    }
    const headers = { ...previous.headers };
    if (url.origin !== origin) delete headers.authorization;
    return { ...previous, url, headers };
  }
}

/**
 * Closes a response body nobody will read. undici's body emits an abort error when destroyed
 * before its end, which without a listener would be an uncaught exception.
 */
export function abandon(response: UpstreamResponse): void {
  response.body.on('error', () => undefined);
  response.body.destroy();
}

/** Reads and drops a response body that nobody needs, so that the connection can be reused. */
export async function discard(response: UpstreamResponse): Promise<void> {
  try {
    await response.body.dump({ limit: 64 * 1024 });
  } catch {
    // The body of an error or redirect does not matter; a broken one just closes its connection.
  }
}
