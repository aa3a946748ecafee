import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

type Source = Readable | Buffer | (() => AsyncIterable<Buffer>);

/** Whether a Node.js fs error has one of these codes (ENOENT, ...). */
export function hasCode(error: unknown, ...codes: string[]): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code !== undefined && codes.includes(code);
}

/**
 * Writes `source` to a fresh file in `tempDirectory` and flushes it to disk. The caller renames the
 * file into place, which is what makes writes atomic for readers. On any failure the temp file is
 * removed, so a failed stream leaves nothing behind.
 */
export async function writeTempFile(
  tempDirectory: string,
  source: Source,
  through?: Transform,
): Promise<string> {
  await mkdir(tempDirectory, { recursive: true });
  const tempPath = path.join(tempDirectory, `${randomUUID()}.tmp`);
  try {
    const input = Buffer.isBuffer(source)
      ? Readable.from([source])
      : typeof source === 'function'
        ? source()
        : source;
    const output = createWriteStream(tempPath, { flags: 'wx' });
    await (through ? pipeline(input, through, output) : pipeline(input, output));
    // fsync before the rename: otherwise a crash could leave a renamed but empty or torn file.
    const handle = await open(tempPath, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    return tempPath;
  } catch (error) {
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
}

/**
 * Renames `from` to `to`, creating `to`'s parent folders. A concurrent delete or move may prune an
 * empty parent between the mkdir and the rename, or during the mkdir itself (a recursive mkdir
 * that finds the folder existing stats it, and fails with ENOENT if it was pruned meanwhile), so
 * ENOENT from either is retried.
 */
export async function renameIntoPlace(
  from: string,
  to: string,
  sourceExists: () => Promise<boolean>,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await mkdir(path.dirname(to), { recursive: true });
      await rename(from, to);
      return;
    } catch (error) {
      if (!hasCode(error, 'ENOENT') || attempt >= 4 || !(await sourceExists())) throw error;
    }
  }
}
