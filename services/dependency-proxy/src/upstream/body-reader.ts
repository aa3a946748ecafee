import { UpstreamInvalidResponseError } from './errors';
import { headerValue } from './statuses';
import { abandon, type UpstreamResponse, type UpstreamTransport } from './transport';

/**
 * Reads a whole (small) response body into memory, refusing more than `limit` bytes: a manifest or
 * token response that large is not one, and reading it would let an upstream exhaust our memory.
 * A body that breaks off is an outage (UpstreamUnavailableError), not a short document.
 */
export async function readLimited(
  upstream: string,
  transport: UpstreamTransport,
  response: UpstreamResponse,
  limit: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  const declared = Number(headerValue(response.headers['content-length']) ?? NaN);
  if (declared > limit) {
    abandon(response);
    throw new UpstreamInvalidResponseError(upstream, `response of ${declared} bytes is over ${limit}`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limit) {
        abandon(response);
        throw new UpstreamInvalidResponseError(upstream, `response over ${limit} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    throw transport.translate(error, signal);
  }
  return Buffer.concat(chunks, total);
}
