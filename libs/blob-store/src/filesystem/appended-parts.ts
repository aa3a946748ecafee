import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, write, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
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
 *
 * Only the part's bytes are written off the event loop. The lock, the list and the data file's
 * opening and closing are synchronous calls on small files in the upload's folder: each took
 * microseconds, where the same call made asynchronously waited for a turn of an event loop busy
 * receiving the next part (about 2 ms each on two cores, a dozen per part). A 1 GiB push spent
 * half its time waiting for them, which made the filesystem the slowest step of a push.
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
  list(): UploadPart[] {
    try {
      return JSON.parse(readFileSync(this.stateFile, 'utf8')) as UploadPart[];
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return [];
      throw error;
    }
  }

  /**
   * Appends the part when it is the next one in sequence and nobody else is appending; resolves
   * with null (nothing written) otherwise. No truncation of what a failed append left past the
   * recorded parts: the next append writes over it, and completion trims the rest.
   */
  async tryAppend(partNumber: number, body: Readable | Buffer): Promise<UploadPart | null> {
    const release = this.lock();
    if (!release) return null;
    try {
      const parts = this.list();
      if (parts.length !== partNumber - 1) return null;
      const offset = parts.reduce((sum, part) => sum + part.size, 0);
      const descriptor = openSync(this.dataFile, parts.length === 0 ? 'w' : 'r+');
      let size: number;
      try {
        size = await writeAt(descriptor, body, offset);
      } finally {
        closeSync(descriptor);
      }
      const part: UploadPart = { partNumber, etag: newEtag(), size };
      this.replaceState(JSON.stringify([...parts, part]));
      return part;
    } finally {
      release();
    }
  }

  /**
   * Replaces the list of appended parts in one rename, so a reader sees the old list or the new
   * one. Not flushed, like the appends it records (see the class comment): ext4 writes a file
   * renamed over another before the rename itself, and a list that a power loss took back only
   * makes completion refuse the parts it misses, so the client pushes that blob again.
   */
  private replaceState(content: string): void {
    const temporary = `${this.stateFile}.${randomUUID()}.tmp`;
    writeFileSync(temporary, content, { flag: 'wx' });
    try {
      renameSync(temporary, this.stateFile);
    } catch (error) {
      unlinkQuietly(temporary);
      throw error;
    }
  }

  /** Where `part` lies in the data file, if that version of it was appended. */
  sourceOf(appended: UploadPart[], part: UploadPart): PartSource | null {
    const index = part.partNumber - 1;
    if (appended[index]?.etag !== part.etag) return null;
    const offset = appended.slice(0, index).reduce((sum, p) => sum + p.size, 0);
    return { kind: 'appended', offset, size: appended[index].size };
  }

  /**
   * Takes the append lock; returns its release, or null when someone holds it. Completion takes
   * it too, so no append can land in the data file after it was renamed into place.
   */
  lock(): (() => void) | null {
    try {
      closeSync(openSync(this.lockFile, 'wx'));
    } catch (error) {
      if (hasCode(error, 'EEXIST')) return null;
      if (hasCode(error, 'ENOENT')) throw new UploadNotFoundError(this.uploadId);
      throw error;
    }
    // Released once: a second call must not remove a lock another writer has taken since.
    let held = true;
    return () => {
      if (held) unlinkQuietly(this.lockFile);
      held = false;
    };
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone: nothing to undo.
  }
}

const writeToFile = promisify(write);

/**
 * Writes `body` into the file from `position` on, off the event loop; resolves with the number of
 * bytes written.
 */
async function writeAt(descriptor: number, body: Readable | Buffer, position: number): Promise<number> {
  let written = 0;
  for await (const chunk of Buffer.isBuffer(body) ? [body] : (body as AsyncIterable<Buffer>)) {
    for (let done = 0; done < chunk.length;) {
      const { bytesWritten } = await writeToFile(
        descriptor,
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
