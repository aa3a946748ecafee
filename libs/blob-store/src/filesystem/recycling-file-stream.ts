import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ChunkPool } from './chunk-pool';

/**
 * A file's bytes, or a range of them, read into buffers of a pool that the consumer hands back
 * (`recycle`) once it has written them out.
 *
 * fs.ReadStream allocates every chunk afresh. A download of 1 MiB chunks then grows V8's external
 * memory by 1 MiB per chunk, and since such a chunk costs the JavaScript heap almost nothing, no
 * young-generation collection comes soon enough to free it: V8 ran a full mark-compact of the heap
 * for about every 34 MB sent, 30 per GiB (in the gateway, which sends stored bodies). Reused
 * buffers add no external memory, so a download causes no collection at all. A consumer that does
 * not recycle (any other stream code) still works: the stream then allocates like fs.ReadStream.
 */
export class RecyclingFileStream extends Readable {
  private position: number;

  /** `end` is inclusive, as in HTTP ranges; the handle is closed when the stream ends or fails. */
  constructor(
    private readonly handle: FileHandle,
    start: number,
    private readonly end: number,
    private readonly pool: ChunkPool,
  ) {
    super({ highWaterMark: pool.chunkSize });
    this.position = start;
  }

  override _read(): void {
    const remaining = this.end - this.position + 1;
    if (remaining <= 0) {
      this.push(null);
      return;
    }
    const buffer = this.pool.take();
    this.handle.read(buffer, 0, Math.min(remaining, this.pool.chunkSize), this.position).then(
      ({ bytesRead }) => {
        if (bytesRead === 0) {
          // The file is shorter than when it was measured: say so rather than end a body short.
          this.destroy(new Error(`file ended at byte ${this.position}, before byte ${this.end}`));
          return;
        }
        this.position += bytesRead;
        this.push(buffer.subarray(0, bytesRead));
      },
      (error: Error) => this.destroy(error),
    );
  }

  /** Takes back a chunk this stream produced, once nothing reads it any more. */
  recycle(chunk: Buffer): void {
    this.pool.give(chunk);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.handle.close().then(
      () => callback(error),
      (closeError: Error) => callback(error ?? closeError),
    );
  }
}
