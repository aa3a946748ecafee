/**
 * Part-sized buffers kept between uploads. A fresh 8 MiB buffer is fresh memory: the kernel maps
 * and zeroes its 2,048 pages one fault at a time, which made a push spend about twice
 * Distribution's system time (a few thousand page faults per 256 MiB against its hundred). Kept
 * buffers are written over instead. At most `keep` wait here, so the pool holds what one upload
 * uses at a time; concurrent uploads allocate the rest and let them go.
 */
export class BufferPool {
  private readonly idle: Buffer[] = [];

  constructor(private readonly keep: number) {}

  /** A buffer of exactly `size` bytes, with whatever content it last had. */
  acquire(size: number): Buffer {
    const index = this.idle.findIndex((buffer) => buffer.length === size);
    if (index >= 0) return this.idle.splice(index, 1)[0]!;
    return Buffer.allocUnsafeSlow(size);
  }

  /** Takes back a buffer nobody uses any more. */
  release(buffer: Buffer): void {
    if (this.idle.length < this.keep) this.idle.push(buffer);
  }
}
