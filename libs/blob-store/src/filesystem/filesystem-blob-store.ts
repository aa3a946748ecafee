import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rmdir, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { BlobNotFoundError, InvalidBlobKeyError, RangeNotSatisfiableError } from '../errors';
import { validateKey, validatePrefix, validateRange } from '../keys';
import type { BlobInfo, ByteRange, ManagedBlobStore, PutOptions, UploadPart } from '../ports';
import { hasCode, renameIntoPlace, writeTempFile } from './file-writes';
import { FilesystemLayout, READ_CHUNK_BYTES } from './filesystem-layout';
import { ChunkPool } from './chunk-pool';
import { DiscardedFiles } from './discarded-files';
import { RecyclingFileStream } from './recycling-file-stream';
import { FilesystemMultipartUploads } from './filesystem-multipart';
import { listFiles } from './list-files';

export interface FilesystemBlobStoreOptions {
  /** Root folder; objects live at `<directory>/<key>`. Created when missing. */
  directory: string;
}

/**
 * Read buffers kept for reuse by all downloads of a store together: 8 MiB, enough for the chunks in
 * flight of `docker pull`'s three layers at a time (each has one read ahead and one or two being
 * sent). Held for good once used, so a larger pool only raises the process's resting memory.
 */
const POOLED_READ_CHUNKS = 8;

/** Temp files older than this are leftovers of a crashed process, removed by initialize(). */
const STALE_TEMP_FILE_MS = 60 * 60 * 1000;

/**
 * BlobStore on a local folder, for the standalone mode. Every write goes to a temp file on the same
 * filesystem and is renamed into place, so readers see the old object or the whole new one.
 * A key and a key below it (`a` and `a/b`) cannot both exist here, unlike in S3; content-addressed
 * keys never collide that way, and such a put rejects with InvalidBlobKeyError.
 */
export class FilesystemBlobStore implements ManagedBlobStore {
  /** Local files have no minimum part size; any non-empty part will do. */
  readonly minPartSize = 1;
  private readonly layout: FilesystemLayout;
  private readonly uploads: FilesystemMultipartUploads;
  private readonly readChunks = new ChunkPool(READ_CHUNK_BYTES, POOLED_READ_CHUNKS);
  private readonly discarded: DiscardedFiles;

  constructor(options: FilesystemBlobStoreOptions) {
    this.layout = new FilesystemLayout(path.resolve(options.directory));
    this.uploads = new FilesystemMultipartUploads(this.layout, this.minPartSize);
    this.discarded = new DiscardedFiles(this.layout.tempDirectory);
  }

  async initialize(): Promise<void> {
    await mkdir(this.layout.tempDirectory, { recursive: true });
    const cutoff = Date.now() - STALE_TEMP_FILE_MS;
    for (const name of await readdir(this.layout.tempDirectory)) {
      const file = path.join(this.layout.tempDirectory, name);
      const stats = await stat(file).catch(() => null);
      const leftover = DiscardedFiles.isLeftover(name) || (stats !== null && stats.mtimeMs < cutoff);
      if (leftover) await unlink(file).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.discarded.settle();
  }

  async put(key: string, body: Readable | Buffer, _options?: PutOptions): Promise<BlobInfo> {
    const target = this.layout.objectPath(key);
    const tempPath = await writeTempFile(this.layout.tempDirectory, body);
    await this.commitTempFile(key, tempPath, target);
    return this.statOrThrow(key);
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.layout.objectPath(key);
    if (range) validateRange(range);
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if (hasCode(error, 'ENOENT', 'ENOTDIR', 'EISDIR')) throw new BlobNotFoundError(key);
      throw error;
    }
    try {
      // fstat on the open handle: the object we measure is the one we stream, even if replaced meanwhile.
      const stats = await handle.stat();
      if (!stats.isFile()) throw new BlobNotFoundError(key);
      const start = range?.start ?? 0;
      if (range && start >= stats.size) throw new RangeNotSatisfiableError(key, start, stats.size);
      const end = Math.min(range?.end ?? stats.size - 1, stats.size - 1);
      return new RecyclingFileStream(handle, start, end, this.readChunks);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async stat(key: string): Promise<BlobInfo | null> {
    const file = this.layout.objectPath(key);
    try {
      const stats = await stat(file);
      return stats.isFile() ? { key, size: stats.size, modifiedAt: stats.mtime } : null;
    } catch (error) {
      if (hasCode(error, 'ENOENT', 'ENOTDIR')) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.layout.objectPath(key);
    if (!(await this.discarded.discard(file))) {
      try {
        await unlink(file);
      } catch (error) {
        // EISDIR/EPERM: the key names a folder of other keys, not an object, so there is nothing to delete.
        if (hasCode(error, 'ENOENT', 'ENOTDIR', 'EISDIR', 'EPERM')) return;
        throw error;
      }
    }
    await this.pruneEmptyParents(file);
  }

  async *list(prefix: string): AsyncGenerator<BlobInfo> {
    validatePrefix(prefix);
    yield* listFiles(this.layout.root, prefix, (key) => this.layout.isHidden(key));
  }

  async move(fromKey: string, toKey: string): Promise<void> {
    const from = this.layout.objectPath(fromKey);
    const to = this.layout.objectPath(toKey);
    if ((await this.stat(fromKey)) === null) throw new BlobNotFoundError(fromKey);
    if (from === to) return;
    try {
      await this.moveIntoPlace(toKey, from, to);
    } catch (error) {
      if (hasCode(error, 'ENOENT') && (await this.stat(fromKey)) === null)
        throw new BlobNotFoundError(fromKey);
      throw error;
    }
    await this.pruneEmptyParents(from);
  }

  async createMultipartUpload(key: string): Promise<string> {
    this.layout.objectPath(key);
    return this.uploads.create(key);
  }

  async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable | Buffer,
  ): Promise<UploadPart> {
    this.layout.objectPath(key);
    return this.uploads.uploadPart(key, uploadId, partNumber, body);
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: UploadPart[]): Promise<BlobInfo> {
    const target = this.layout.objectPath(key);
    const joined = await this.uploads.assemble(key, uploadId, parts);
    if (joined.inPlace) {
      // The upload's own data file: on failure it stays, with the upload, for a retry or an abort.
      await this.moveIntoPlace(key, joined.path, target).catch(async (error: unknown) => {
        await joined.release();
        throw error;
      });
    } else {
      await this.commitTempFile(key, joined.path, target);
    }
    await this.uploads.remove(key, uploadId);
    return this.statOrThrow(key);
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    this.layout.objectPath(key);
    await this.uploads.remove(key, uploadId);
  }

  async presignGet(key: string, _expiresInSeconds: number): Promise<string | null> {
    validateKey(key);
    return null;
  }

  async checkHealth(): Promise<void> {
    await mkdir(this.layout.tempDirectory, { recursive: true });
    const probe = path.join(this.layout.tempDirectory, `health-${randomUUID()}`);
    await writeFile(probe, 'ok');
    await unlink(probe);
  }

  private async statOrThrow(key: string): Promise<BlobInfo> {
    const info = await this.stat(key);
    if (!info) throw new BlobNotFoundError(key);
    return info;
  }

  private async commitTempFile(key: string, tempPath: string, target: string): Promise<void> {
    try {
      await this.moveIntoPlace(key, tempPath, target);
    } catch (error) {
      await unlink(tempPath).catch(() => undefined);
      throw error;
    }
  }

  /** Renames `from` into place as the object `key`. */
  private async moveIntoPlace(key: string, from: string, to: string): Promise<void> {
    const sourceExists = () =>
      stat(from).then(
        () => true,
        () => false,
      );
    try {
      await renameIntoPlace(from, to, sourceExists);
    } catch (error) {
      if (hasCode(error, 'ENOTDIR', 'EEXIST', 'EISDIR', 'ENOTEMPTY')) {
        throw new InvalidBlobKeyError(
          key,
          'a key above or below it exists; the filesystem store cannot hold both',
        );
      }
      throw error;
    }
  }

  /** Removes folders left empty by a delete or move, up to (not including) the root. */
  private async pruneEmptyParents(file: string): Promise<void> {
    for (
      let folder = path.dirname(file);
      folder.startsWith(this.layout.root + path.sep);
      folder = path.dirname(folder)
    ) {
      try {
        await rmdir(folder);
      } catch {
        // Not empty (or already gone, or a put is about to use it): stop here.
        return;
      }
    }
  }
}
