/**
 * Read buffers of one size, shared by every file stream of a store. A buffer handed back after
 * its chunk was written out serves the next read of any stream, so a process serving downloads
 * keeps reusing the same few MB. With a few buffers per stream instead, each finished download left
 * its buffers as garbage in external memory, which V8 frees only at a full collection: the
 * distributed registry held 50-odd MB of them after a few `docker pull`s, above issue 12's 150 MB.
 */
export class ChunkPool {
  private readonly free: Buffer[] = [];

  /** Keeps at most `maxKept` free buffers; chunks beyond those are left to the garbage collector. */
  constructor(
    readonly chunkSize: number,
    private readonly maxKept: number,
  ) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.chunkSize);
  }

  /** Takes back a whole buffer `take()` gave out, once nothing reads it any more. */
  give(chunk: Buffer): void {
    const whole = chunk.byteOffset === 0 && chunk.buffer.byteLength === this.chunkSize;
    if (!whole || this.free.length >= this.maxKept) return;
    // Handed back twice, a buffer would serve two reads at once: keep it once.
    if (this.free.some((kept) => kept.buffer === chunk.buffer)) return;
    this.free.push(Buffer.from(chunk.buffer));
  }
}
