import { PassThrough, Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { BlobStore } from '@stowage/blob-store';
import { InvalidPackageInputError } from './package-errors';

/**
 * Reads entries of a zip archive that is already in storage (a wheel, a nupkg, a jar) without
 * copying it anywhere: the central directory and the chosen entries are fetched by byte range, so
 * a large archive costs a few small reads. Formats use it for metadata kept inside packages.
 */

/** yauzl's random access over a stored object: each read is one ranged GET. */
class StoredObjectReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly blobs: BlobStore,
    private readonly key: string,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    if (end <= start) return Readable.from([]);
    const out = new PassThrough();
    this.blobs.get(this.key, { start, end: end - 1 }).then(
      (body) => {
        body.on('error', (error) => out.destroy(error));
        body.pipe(out);
      },
      (error: Error) => out.destroy(error),
    );
    return out;
  }
}

async function readAll(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      stream.destroy();
      throw new InvalidPackageInputError(`archive entry is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export interface ZipEntryContent {
  name: string;
  content: Buffer;
}

/**
 * The entries of the stored zip `key` (of `size` bytes) whose names `pick` accepts, each at most
 * `maxBytes` once inflated. Throws InvalidPackageInputError when the object is not a readable zip
 * or an entry is too large (a client sent a broken archive); storage failures pass through.
 */
export async function readStoredZipEntries(
  blobs: BlobStore,
  key: string,
  size: number,
  pick: (entryName: string) => boolean,
  maxBytes: number,
): Promise<ZipEntryContent[]> {
  const reader = new StoredObjectReader(blobs, key);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromRandomAccessReaderPromise(reader, size, {
      lazyEntries: true,
      autoClose: false,
      validateEntrySizes: true,
      strictFileNames: false,
    });
  } catch (error) {
    throw notAZip(error);
  }
  try {
    const found: ZipEntryContent[] = [];
    for await (const entry of zip.eachEntry()) {
      if (!pick(entry.fileName)) continue;
      if (entry.uncompressedSize > maxBytes) {
        throw new InvalidPackageInputError(
          `archive entry ${entry.fileName} is larger than ${maxBytes} bytes`,
        );
      }
      const stream = await zip.openReadStreamPromise(entry).catch((error: unknown) => {
        throw notAZip(error);
      });
      found.push({ name: entry.fileName, content: await readAll(stream, maxBytes) });
    }
    return found;
  } catch (error) {
    throw notAZip(error);
  } finally {
    zip.close();
  }
}

/** yauzl's complaints are about the archive, which the client sent; anything else is ours. */
function notAZip(error: unknown): unknown {
  if (error instanceof InvalidPackageInputError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const fromStorage = (error as { name?: string } | null)?.name?.startsWith('Blob') === true;
  if (fromStorage) return error;
  return new InvalidPackageInputError(`the file is not a readable zip archive (${message})`);
}
