import { Transform } from 'node:stream';

/**
 * Passes bytes through but keeps the latest chunk back until `verdict` settles: released when the
 * whole blob checked out, withheld (the stream errors) when it did not. A client that was sent
 * a blob's headers can only be told "corrupt" by a body cut short, which docker and skopeo
 * treat as a failed download and retry, rather than a complete body with the wrong bytes.
 */
export function holdLastChunk(verdict: Promise<unknown>): Transform {
  let held: Buffer | null = null;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const previous = held;
      held = chunk;
      callback(null, previous ?? undefined);
    },
    flush(callback) {
      verdict.then(
        () => callback(null, held ?? undefined),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
}
