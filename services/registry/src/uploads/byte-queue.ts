/**
 * Received chunks waiting to be written, taken off in fixed-size pieces. A piece is assembled in
 * one buffer that is reused for every piece: a 1 GiB upload would otherwise leave a part-sized
 * buffer of garbage per part, and V8 collects such off-heap memory late enough to push a process
 * well past its memory budget.
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private scratch: Buffer | null = null;
  length = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /**
   * Removes the first `size` bytes (the caller checks `length` first) and returns them in the
   * reused buffer: valid only until the next call of `take`.
   */
  take(size: number): Buffer {
    if (!this.scratch || this.scratch.length !== size) this.scratch = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const chunk = this.chunks[0]!;
      const used = chunk.copy(this.scratch, filled, 0, Math.min(chunk.length, size - filled));
      filled += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    this.length -= size;
    return this.scratch;
  }

  /** Removes and returns everything, in a buffer of its own. */
  drain(): Buffer {
    const all = Buffer.concat(this.chunks, this.length);
    this.chunks = [];
    this.length = 0;
    return all;
  }
}
