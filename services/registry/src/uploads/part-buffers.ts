import type { BufferPool } from './buffer-pool';

/**
 * Assembles an upload's bytes into fixed-size parts in two buffers used in turn: one part is
 * stored from one buffer while the next fills the other, and every received chunk is copied the
 * moment it arrives.
 *
 * Copying at once is what keeps a push cheap in a Node process. A request body arrives in 64 KiB
 * chunks; held until a whole part had arrived (16 MiB then), each chunk outlived two young-generation
 * collections and was promoted, and its memory then came back only with a full mark-compact of the
 * heap, which V8 started for about every 24 MB of such chunks: 40-odd full collections per GiB
 * pushed, a growing share of the registry's CPU and tens of MB of RSS. Copied on arrival, a chunk
 * dies young and is reclaimed by the next scavenge.
 */
export class PartBuffers {
  private readonly buffers: [Buffer | null, Buffer | null] = [null, null];
  private current = 0;
  /** Bytes in the current buffer. */
  length = 0;

  constructor(
    private readonly partSize: number,
    private readonly pool: BufferPool,
  ) {}

  /** True when the current buffer holds a whole part: take it before adding more. */
  get full(): boolean {
    return this.length === this.partSize;
  }

  /** Copies as much of `chunk` from `offset` on as the current part has room for; returns how much. */
  add(chunk: Buffer, offset = 0): number {
    const target = (this.buffers[this.current] ??= this.pool.acquire(this.partSize));
    const copied = chunk.copy(
      target,
      this.length,
      offset,
      offset + Math.min(chunk.length - offset, this.partSize - this.length),
    );
    this.length += copied;
    return copied;
  }

  /**
   * Hands over the whole part and continues in the other buffer. The part stays valid until the
   * call of `takePart` after next: store it, and wait for that, before taking another part.
   */
  takePart(): Buffer {
    const part = this.buffers[this.current]!;
    this.current = 1 - this.current;
    this.length = 0;
    return part;
  }

  /** Gives both buffers back to the pool: call once no part taken from them is still being stored. */
  release(): void {
    for (const buffer of this.buffers) if (buffer) this.pool.release(buffer);
    this.buffers.fill(null);
    this.length = 0;
  }

  /** What the current part holds so far, in a buffer of its own. */
  rest(): Buffer {
    const buffer = this.buffers[this.current];
    return buffer ? Buffer.from(buffer.subarray(0, this.length)) : Buffer.alloc(0);
  }
}
