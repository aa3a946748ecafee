import { createHash } from 'node:crypto';
import { basicAuth } from './identity-world';

/**
 * The registry's /v2 API over plain HTTP through the gateway, as a client that does not use
 * docker would speak it: a Bearer token from /jwt/auth, then requests whose answers a test
 * compares whole (status, headers and body together, so a failure shows all of them).
 */

/** An answer read to the end: headers as a plain object with lowercase names. */
export interface V2Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface V2Request {
  headers?: Record<string, string>;
  /** A buffer, or a stream sent as it is produced (chunked, never held whole in memory). */
  body?: Buffer | ReadableStream<Uint8Array>;
  timeoutMs?: number;
}

export interface V2Client {
  /** Sends a request to `target` (a path such as a relative Location, or a full URL). */
  send(method: string, target: string, request?: V2Request): Promise<V2Answer>;
  /** GETs `target` and returns the response unread, for bodies too large to keep. */
  open(target: string, timeoutMs?: number): Promise<Response>;
}

/** A registry token for `scope` (e.g. `repository:team/app:pull,push`), asked for with Basic credentials. */
export async function registryToken(
  base: string,
  username: string,
  secret: string,
  scope: string,
): Promise<string> {
  const query = new URLSearchParams({ service: 'container_registry', scope });
  const response = await fetch(`${base}/jwt/auth?${query}`, {
    headers: { authorization: basicAuth(username, secret) },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /jwt/auth?${query} answered ${response.status}: ${text}`);
  return (JSON.parse(text) as { token: string }).token;
}

export function v2Client(base: string, token: string): V2Client {
  const authorization = `Bearer ${token}`;
  return {
    async send(method, target, request = {}) {
      const streamed = request.body instanceof ReadableStream;
      const response = await fetch(new URL(target, base), {
        method,
        headers: { authorization, ...request.headers },
        body: request.body,
        // A stream body is sent as it is read; fetch requires saying so.
        ...(streamed ? { duplex: 'half' } : {}),
        signal: AbortSignal.timeout(request.timeoutMs ?? 120_000),
      } as RequestInit);
      return {
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: await response.text(),
      };
    },
    open(target, timeoutMs = 120_000) {
      return fetch(new URL(target, base), {
        headers: { authorization },
        signal: AbortSignal.timeout(timeoutMs),
      });
    },
  };
}

/**
 * Downloads a blob and returns the digest and length of what arrived, hashing as the bytes come
 * in, so a blob of any size is checked without being held in memory.
 */
export async function downloadedBlob(
  client: V2Client,
  repository: string,
  digest: string,
  timeoutMs?: number,
): Promise<{ digest: string; size: number }> {
  const response = await client.open(`/v2/${repository}/blobs/${digest}`, timeoutMs);
  if (response.status !== 200 || !response.body) {
    throw new Error(
      `GET /v2/${repository}/blobs/${digest} answered ${response.status}: ${await response.text()}`,
    );
  }
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of response.body) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}
