import { randomUUID } from 'node:crypto';
import { open, readFile, rename, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { UploadNotFoundError } from '../errors';
import type { UploadPart } from '../ports';
import { hasCode } from './file-writes';

const DATA_FILE = 'appended.data';
const STATE_FILE = 'appended.json';
const LOCK_FILE = 'append.lock';

/** A fresh etag for every stored version of a part: completion names the version it means. */
export function newEtag(): string {
  return randomUUID().replace(/-/g, '');
}

/** Where a named part's bytes are: a slice of the appended data file, or a part file of its own. */
export type PartSource = { kind: 'appended'; offset: number; size: number } | { kind: 'file'; size: number };

/**
 * The parts of one upload that arrived in order (1, 2, 3...), appended to one data file, so that
 * completing the upload renames that file into place instead of copying every byte a second time
 * (distribution writes an upload the same way). `appended.json` lists the appended parts; bytes
 * past their end are the leftovers of a failed append and are overwritten by the next one.
 *
 * One writer at a time: a part is appended only by whoever creates `append.lock` (O_EXCL, which
 * holds across processes sharing the folder). A part that arrives out of order, or while another
 * request holds the lock, is stored as a file of its own by the caller instead, as before; so a
 * lock left by a crashed process only makes the rest of that upload take the slower path.
 * Recorded slices are never written again, so reading them needs no lock.
 *
 * An append is not flushed to disk before it is recorded; completion flushes the whole file once,
 * before the rename (as distribution does at commit). A flush per part made pushes ~15% slower,
 * and buys nothing a client needs: a process that dies keeps its writes in the page cache, and
 * after a power loss an upload resumed over a lost part fails its digest check (the stored bytes
 * are hashed again then), so the client pushes that blob again; no torn blob is ever published.
 */
export class AppendedParts {
  readonly dataFile: string;
  private readonly stateFile: string;
  private readonly lockFile: string;

  constructor(
    directory: string,
    private readonly uploadId: string,
  ) {
    this.dataFile = path.join(directory, DATA_FILE);
    this.stateFile = path.join(directory, STATE_FILE);
    this.lockFile = path.join(directory, LOCK_FILE);
  }

  /** The parts appended so far, in order. */
  async list(): Promise<UploadPart[]> {
    try {
      return JSON.parse(await readFile(this.stateFile, 'utf8')) as UploadPart[];
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return [];
      throw error;
    }
  }

  /**
   * Appends the part when it is the next one in sequence and nobody else is appending; resolves
   * with null (nothing written) otherwise.
   */
  async tryAppend(partNumber: number, body: Readable | Buffer): Promise<UploadPart | null> {
    // Every step here waits for a turn of the event loop that is busy receiving the next part,
    // so the steps are few: no look before the lock, no truncation of what a failed append left
    // past the recorded parts (the next append writes over it, completion trims the rest).
    const release = await this.lock();
    if (!release) return null;
    try {
      const parts = await this.list();
      if (parts.length !== partNumber - 1) return null;
      const offset = parts.reduce((sum, part) => sum + part.size, 0);
      const handle = await open(this.dataFile, parts.length === 0 ? 'w' : 'r+');
      let size: number;
      try {
        size = await writeAt(handle, body, offset);
      } finally {
        await handle.close();
      }
      const part: UploadPart = { partNumber, etag: newEtag(), size };
      await this.replaceState(JSON.stringify([...parts, part]));
      return part;
    } finally {
      await release();
    }
  }

  /**
   * Replaces the list of appended parts in one rename, so a reader sees the old list or the new
   * one. Not flushed, like the appends it records (see the class comment): ext4 writes a file
   * renamed over another before the rename itself, and a list that a power loss took back only
   * makes completion refuse the parts it misses, so the client pushes that blob again.
   */
  private async replaceState(content: string): Promise<void> {
    const temporary = `${this.stateFile}.${randomUUID()}.tmp`;
    await writeFile(temporary, content, { flag: 'wx' });
    await rename(temporary, this.stateFile).catch(async (error: unknown) => {
      await unlink(temporary).catch(() => undefined);
      throw error;
    });
  }

  /** Where `part` lies in the data file, if that version of it was appended. */
  sourceOf(appended: UploadPart[], part: UploadPart): PartSource | null {
    const index = part.partNumber - 1;
    if (appended[index]?.etag !== part.etag) return null;
    const offset = appended.slice(0, index).reduce((sum, p) => sum + p.size, 0);
    return { kind: 'appended', offset, size: appended[index].size };
  }

  /**
   * Takes the append lock; resolves with its release, or null when someone holds it. Completion
   * takes it too, so no append can land in the data file after it was renamed into place.
   */
  async lock(): Promise<(() => Promise<void>) | null> {
    try {
      await (await open(this.lockFile, 'wx')).close();
    } catch (error) {
      if (hasCode(error, 'EEXIST')) return null;
      if (hasCode(error, 'ENOENT')) throw new UploadNotFoundError(this.uploadId);
      throw error;
    }
    return () => unlink(this.lockFile).catch(() => undefined);
  }
}

/** Writes `body` into the file from `position` on; resolves with the number of bytes written. */
async function writeAt(handle: FileHandle, body: Readable | Buffer, position: number): Promise<number> {
  let written = 0;
  for await (const chunk of Buffer.isBuffer(body) ? [body] : (body as AsyncIterable<Buffer>)) {
    for (let done = 0; done < chunk.length;) {
      const { bytesWritten } = await handle.write(
        chunk,
        done,
        chunk.length - done,
        position + written + done,
      );
      done += bytesWritten;
    }
    written += chunk.length;
  }
  return written;
}
