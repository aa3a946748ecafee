import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { ParsedDigest } from '@stowage/oci';
import { UpstreamInvalidResponseError } from './errors';
import type { UpstreamTransport } from './transport';

/**
 * Passes a blob body through while hashing it, and errors instead of ending when the bytes do not
 * hash to the requested digest or fall short of Content-Length. The caching service streams the
 * body to the client and into storage at once, so the stream's end is the only place where it can
 * learn that the upstream sent something wrong; ending cleanly would commit a corrupt blob.
 * A body that breaks off or idles out errors with UpstreamUnavailableError.
 */
export function verifiedBody(
  upstream: string,
  transport: UpstreamTransport,
  source: Readable,
  expected: ParsedDigest,
  size: number | null,
  signal?: AbortSignal,
): Readable {
  const hash = createHash(expected.algorithm);
  let received = 0;
  const verifier = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      hash.update(chunk);
      received += chunk.length;
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (size !== null && received !== size) {
        return callback(invalid(`blob body has ${received} of ${size} bytes`));
      }
      const actual = hash.digest('hex');
      if (actual !== expected.hex) {
        return callback(invalid(`blob body hashes to ${expected.algorithm}:${actual}`));
      }
      callback();
    },
  });
  const invalid = (message: string) => new UpstreamInvalidResponseError(upstream, message);
  source.on('error', (error) => verifier.destroy(transport.translate(error, signal) as Error));
  // A consumer that stops reading (client hung up) must release the upstream connection too.
  verifier.on('close', () => {
    if (!source.readableEnded) source.destroy();
  });
  return source.pipe(verifier);
}
