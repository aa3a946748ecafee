import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Deterministic pseudo-random bytes (xorshift), so failures are reproducible and data is not compressible. */
export function pseudoRandomBytes(size: number, seed = 1): Buffer {
  const buffer = Buffer.alloc(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    buffer[i] = state & 0xff;
  }
  return buffer;
}

/** Streams `data` in 64 KiB chunks, as a network body would arrive. */
export function chunkedStream(data: Buffer, chunkSize = 64 * 1024): Readable {
  return Readable.from(
    (function* chunks() {
      for (let offset = 0; offset < data.length; offset += chunkSize)
        yield data.subarray(offset, offset + chunkSize);
    })(),
  );
}

/** Yields `bytesBeforeFailure` bytes, then fails like a client that drops its connection. */
export function failingStream(bytesBeforeFailure: number): Readable {
  return Readable.from(
    (async function* chunks() {
      yield* chunkedStream(pseudoRandomBytes(bytesBeforeFailure, 7));
      throw new Error('client went away');
    })(),
  );
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
