import { createHash, randomBytes } from 'node:crypto';

/** Random content produced as it is read, with its digest known once it has been read to the end. */
export interface GeneratedStream {
  readonly stream: ReadableStream<Uint8Array>;
  /** `sha256:<hex>` of everything produced; throws before the stream has been read to the end. */
  digest(): string;
}

/**
 * `totalBytes` of random data in `chunkBytes` pieces, each made only when the reader asks for
 * it (a pull stream with room for one chunk), so even gigabytes never sit in memory.
 */
export function generatedStream(totalBytes: number, chunkBytes = 1024 * 1024): GeneratedStream {
  const hash = createHash('sha256');
  let produced = 0;
  let digest: string | undefined;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const size = Math.min(chunkBytes, totalBytes - produced);
        if (size > 0) {
          const chunk = randomBytes(size);
          hash.update(chunk);
          produced += size;
          controller.enqueue(chunk);
        }
        if (produced === totalBytes) {
          digest = `sha256:${hash.digest('hex')}`;
          controller.close();
        }
      },
    },
    { highWaterMark: 1 },
  );
  return {
    stream,
    digest() {
      if (!digest) throw new Error(`only ${produced} of ${totalBytes} bytes were read`);
      return digest;
    },
  };
}
