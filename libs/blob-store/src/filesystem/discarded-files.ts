import { randomUUID } from 'node:crypto';
import { link, unlink } from 'node:fs/promises';
import path from 'node:path';
import { hasCode } from './file-writes';

/** Names of files taken out of place whose blocks are still being freed. */
const DISCARDED_PREFIX = 'discarded-';

/**
 * Deletes files without making the caller wait while the filesystem frees their blocks: unlinking
 * a flushed 1 GiB file took 0.1-0.3 s, inside the request that completed a push of a blob the
 * store already held. The file's name goes at once (a second hard link in `directory` keeps its
 * blocks), and that link is unlinked in the background. A process that stops first leaves it in
 * `directory`, where the store's `initialize()` removes it (`isLeftover`).
 */
export class DiscardedFiles {
  private readonly freeing = new Set<Promise<void>>();

  constructor(private readonly directory: string) {}

  /**
   * Removes `file`'s name and frees its blocks later. False when it cannot be done this way (no
   * such file, a folder, no `directory` yet, or a filesystem that refuses the link); the caller
   * then unlinks it itself.
   */
  async discard(file: string): Promise<boolean> {
    const discarded = path.join(this.directory, `${DISCARDED_PREFIX}${randomUUID()}`);
    try {
      // A link, not a rename: link refuses a folder, so a key naming a folder of other keys stays.
      await link(file, discarded);
    } catch {
      return false;
    }
    try {
      await unlink(file);
    } catch (error) {
      await unlink(discarded).catch(() => undefined);
      // Deleted meanwhile by another caller: gone either way.
      if (hasCode(error, 'ENOENT')) return true;
      throw error;
    }
    const freeing = unlink(discarded)
      .catch(() => undefined)
      .finally(() => this.freeing.delete(freeing));
    this.freeing.add(freeing);
    return true;
  }

  /** Resolves once the blocks of every file discarded so far are freed. */
  async settle(): Promise<void> {
    await Promise.all([...this.freeing]);
  }

  /** A file of `directory` that a stopped process discarded and did not get to free. */
  static isLeftover(name: string): boolean {
    return name.startsWith(DISCARDED_PREFIX);
  }
}
