import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface SpooledFile {
  path: string;
  size: number;
  remove(): Promise<void>;
}

/**
 * S3 needs a part's length before its first byte is sent, and a part may be far larger than is
 * reasonable to hold in memory, so a stream of unknown length is written to a local file first.
 */
export async function spoolToFile(body: Readable, directory: string): Promise<SpooledFile> {
  await mkdir(directory, { recursive: true });
  const file = path.join(directory, `stowage-part-${randomUUID()}`);
  const remove = () => unlink(file).catch(() => undefined);
  try {
    await pipeline(body, createWriteStream(file, { flags: 'wx' }));
    const { size } = await stat(file);
    return { path: file, size, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
