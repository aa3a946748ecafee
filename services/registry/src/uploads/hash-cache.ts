import { createHash, type Hash } from 'node:crypto';

interface Entry {
  hash: Hash;
  /** How many bytes of the upload the hash has consumed. */
  size: number;
  touchedAt: number;
}

/**
 * The running SHA-256 of uploads this process is receiving, so finishing an upload needs no
 * second read of its bytes. Node cannot persist a hash's state, so this lives in memory only:
 * after a restart, or when another replica received earlier chunks, the entry is missing or
 * covers a different size, and the upload is hashed from storage when it finishes instead.
 */
export class UploadHashCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries = 1_000,
    private readonly idleMs = 60 * 60 * 1000,
  ) {}

  /** The hash covering exactly the first `size` bytes of the upload, or null when there is none. */
  take(uploadId: string, size: number): Hash | null {
    const entry = this.entries.get(uploadId);
    this.entries.delete(uploadId);
    if (entry && entry.size === size) return entry.hash;
    if (size === 0) return createHash('sha256');
    return null;
  }

  /** Keeps the hash of the first `size` bytes for the upload's next request. */
  keep(uploadId: string, hash: Hash, size: number): void {
    this.evictIdle();
    this.entries.set(uploadId, { hash, size, touchedAt: Date.now() });
  }

  forget(uploadId: string): void {
    this.entries.delete(uploadId);
  }

  private evictIdle(): void {
    const now = Date.now();
    for (const [id, entry] of this.entries) {
      // Map order is insertion order: the oldest come first.
      if (this.entries.size < this.maxEntries && now - entry.touchedAt < this.idleMs) break;
      this.entries.delete(id);
    }
  }
}
