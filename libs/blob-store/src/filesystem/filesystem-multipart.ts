import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidUploadPartError, UploadNotFoundError } from '../errors';
import { validatePartNumber } from '../keys';
import type { UploadPart } from '../ports';
import { AppendedParts, newEtag, type PartSource } from './appended-parts';
import { hasCode, writeTempFile } from './file-writes';
import { READ_CHUNK_BYTES, type FilesystemLayout } from './filesystem-layout';

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STATE_FILE = 'upload.json';

interface UploadState {
  key: string;
  createdAt: string;
}

/** Uploads whose key this process remembers (the oldest is forgotten first). */
const KNOWN_KEYS_KEPT = 1_000;

function normalizeEtag(etag: string): string {
  return etag.replace(/"/g, '');
}

/**
 * Multipart uploads kept on disk under `.uploads/<uploadId>/`: `upload.json` (the target key), the
 * parts that arrived in order appended to one data file (AppendedParts), and any other part as
 * `<n>` (its bytes) and `<n>.etag` (a token naming that version of it). Nothing is held in memory,
 * so an upload started by one process can be continued and completed by the next one after a
 * restart.
 */
export class FilesystemMultipartUploads {
  /**
   * The key each upload this process has opened belongs to (an id never changes its key), so a
   * part does not wait for `upload.json` to be read again; a folder removed meanwhile still fails
   * the part, at its first write into the folder.
   */
  private readonly knownKeys = new Map<string, string>();

  /** Uploads whose data file this process is flushing ahead of completion (see flushAhead). */
  private readonly flushing = new Set<string>();

  constructor(
    private readonly layout: FilesystemLayout,
    private readonly minPartSize: number,
  ) {}

  async create(key: string): Promise<string> {
    const uploadId = randomUUID();
    const directory = this.layout.uploadDirectory(uploadId);
    await mkdir(directory, { recursive: true });
    const state: UploadState = { key, createdAt: new Date().toISOString() };
    await this.writeSmallFile(path.join(directory, STATE_FILE), JSON.stringify(state));
    return uploadId;
  }

  async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable | Buffer,
  ): Promise<UploadPart> {
    const directory = await this.openUpload(key, uploadId);
    validatePartNumber(uploadId, partNumber);
    try {
      const appendedParts = this.appendedParts(directory, uploadId);
      const appended = await appendedParts.tryAppend(partNumber, body);
      if (appended) this.flushAhead(uploadId, appendedParts.dataFile);
      return appended ?? (await this.storePartFile(directory, uploadId, partNumber, body));
    } catch (error) {
      throw hasCode(error, 'ENOENT') ? new UploadNotFoundError(uploadId) : error;
    }
  }

  /**
   * Joins the parts for completion. When they are exactly the parts appended in order, that is
   * the upload's data file itself (`inPlace`: the caller renames it and must not delete it);
   * otherwise a flushed temp file with the parts copied in, which the caller moves into place.
   * `release` lets other writers append again, should the caller fail to commit an in-place file.
   */
  async assemble(
    key: string,
    uploadId: string,
    parts: UploadPart[],
  ): Promise<{ path: string; inPlace: boolean; release: () => Promise<void> }> {
    const directory = await this.openUpload(key, uploadId);
    const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    if (sorted.length === 0) throw new InvalidUploadPartError(uploadId, 0, 'at least one part is required');
    const appendedParts = this.appendedParts(directory, uploadId);
    const lock = appendedParts.lock();
    const release = async () => lock?.();
    try {
      const appended = appendedParts.list();
      const sources = await this.sourcesOf(directory, uploadId, sorted, appendedParts, appended);
      // Without the lock an append may be under way in the data file: copy the slices instead.
      const whole =
        lock !== null &&
        sources.length === appended.length &&
        sources.every((source) => source.kind === 'appended');
      if (whole) {
        await this.trimDataFile(appendedParts, sources);
        return { path: appendedParts.dataFile, inPlace: true, release };
      }
      await release();
      const pieces = sources.map((source, index) =>
        source.kind === 'appended'
          ? { file: appendedParts.dataFile, start: source.offset, size: source.size }
          : { file: path.join(directory, String(sorted[index]!.partNumber)), start: 0, size: source.size },
      );
      const joined = await writeTempFile(this.layout.tempDirectory, async function* concatenate() {
        for (const piece of pieces) {
          if (piece.size === 0) continue;
          yield* createReadStream(piece.file, {
            start: piece.start,
            end: piece.start + piece.size - 1,
            highWaterMark: READ_CHUNK_BYTES,
          });
        }
      });
      return { path: joined, inPlace: false, release: async () => undefined };
    } catch (error) {
      await release();
      throw error;
    }
  }

  /** Removes the upload's folder; a missing upload is fine, another key's upload is not touched. */
  async remove(key: string, uploadId: string): Promise<void> {
    try {
      await this.openUpload(key, uploadId);
    } catch (error) {
      if (error instanceof UploadNotFoundError && !(await this.exists(uploadId))) return;
      throw error;
    }
    this.knownKeys.delete(uploadId);
    await rm(this.layout.uploadDirectory(uploadId), { recursive: true, force: true });
  }

  private async exists(uploadId: string): Promise<boolean> {
    if (!UPLOAD_ID.test(uploadId)) return false;
    return stat(this.layout.uploadDirectory(uploadId)).then(
      () => true,
      () => false,
    );
  }

  /** Returns the upload's folder after checking that it exists and belongs to `key`. */
  private async openUpload(key: string, uploadId: string): Promise<string> {
    // The id becomes a path segment, so only ids this adapter could have made are accepted.
    if (!UPLOAD_ID.test(uploadId)) throw new UploadNotFoundError(uploadId);
    const directory = this.layout.uploadDirectory(uploadId);
    if (this.knownKeys.get(uploadId) === key) return directory;
    let state: UploadState;
    try {
      state = JSON.parse(await readFile(path.join(directory, STATE_FILE), 'utf8')) as UploadState;
    } catch (error) {
      if (hasCode(error, 'ENOENT')) throw new UploadNotFoundError(uploadId);
      throw error;
    }
    if (state.key !== key) throw new UploadNotFoundError(uploadId);
    if (this.knownKeys.size >= KNOWN_KEYS_KEPT) this.knownKeys.delete(this.knownKeys.keys().next().value!);
    this.knownKeys.set(uploadId, key);
    return directory;
  }

  private appendedParts(directory: string, uploadId: string): AppendedParts {
    return new AppendedParts(directory, uploadId);
  }

  /** Stores a part as a file of its own: one that arrived out of order or beside another writer. */
  private async storePartFile(
    directory: string,
    uploadId: string,
    partNumber: number,
    body: Readable | Buffer,
  ): Promise<UploadPart> {
    const tempPath = await writeTempFile(this.layout.tempDirectory, body);
    const etag = newEtag();
    let size: number;
    try {
      size = (await stat(tempPath)).size;
      await rename(tempPath, path.join(directory, String(partNumber)));
    } catch (error) {
      await unlink(tempPath).catch(() => undefined);
      // The upload folder vanished under us: it was aborted or completed meanwhile.
      if (hasCode(error, 'ENOENT')) throw new UploadNotFoundError(uploadId);
      throw error;
    }
    await this.writeSmallFile(path.join(directory, `${partNumber}.etag`), etag).catch((error: unknown) => {
      throw hasCode(error, 'ENOENT') ? new UploadNotFoundError(uploadId) : error;
    });
    return { partNumber, etag, size };
  }

  /** Where each named part (sorted by number) is stored; InvalidUploadPartError when one is not. */
  private async sourcesOf(
    directory: string,
    uploadId: string,
    sorted: UploadPart[],
    appendedParts: AppendedParts,
    appended: UploadPart[],
  ): Promise<PartSource[]> {
    const sources: PartSource[] = [];
    for (const [index, part] of sorted.entries()) {
      validatePartNumber(uploadId, part.partNumber);
      if (index > 0 && sorted[index - 1]?.partNumber === part.partNumber) {
        throw new InvalidUploadPartError(uploadId, part.partNumber, 'named twice');
      }
      const source = appendedParts.sourceOf(appended, { ...part, etag: normalizeEtag(part.etag) }) ?? {
        kind: 'file' as const,
        size: await this.checkPart(uploadId, part, path.join(directory, String(part.partNumber))),
      };
      if (index < sorted.length - 1 && source.size < this.minPartSize) {
        throw new InvalidUploadPartError(uploadId, part.partNumber, `smaller than ${this.minPartSize} bytes`);
      }
      sources.push(source);
    }
    return sources;
  }

  /**
   * Cuts what a failed append left past the recorded parts, so the data file is exactly them, and
   * flushes it: appends are not flushed one by one (see AppendedParts), so this is where the
   * bytes become durable, before the rename publishes them.
   */
  private async trimDataFile(appendedParts: AppendedParts, sources: PartSource[]): Promise<void> {
    const handle = await open(appendedParts.dataFile, 'r+');
    try {
      await handle.truncate(sources.reduce((sum, source) => sum + source.size, 0));
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  /**
   * Starts writing the appended bytes to disk while the upload goes on, and does not wait for it:
   * completion's flush (trimDataFile) then finds little left to write. Without it the kernel kept
   * a whole 1 GiB push in the page cache (it starts writing back only past 10% of memory) and the
   * closing PUT waited 0.4-0.5 s for the disk. One flush per upload at a time; a failed one changes
   * nothing, since completion flushes again and reports that error.
   */
  private flushAhead(uploadId: string, dataFile: string): void {
    if (this.flushing.has(uploadId)) return;
    this.flushing.add(uploadId);
    void open(dataFile, 'r')
      .then((handle) => handle.datasync().finally(() => handle.close()))
      .catch(() => undefined)
      .finally(() => this.flushing.delete(uploadId));
  }

  private async checkPart(uploadId: string, part: UploadPart, file: string): Promise<number> {
    try {
      const [stats, etag] = await Promise.all([stat(file), readFile(`${file}.etag`, 'utf8')]);
      if (etag !== normalizeEtag(part.etag)) {
        throw new InvalidUploadPartError(uploadId, part.partNumber, 'etag does not match the stored part');
      }
      return stats.size;
    } catch (error) {
      if (hasCode(error, 'ENOENT'))
        throw new InvalidUploadPartError(uploadId, part.partNumber, 'not uploaded');
      throw error;
    }
  }

  private async writeSmallFile(file: string, content: string): Promise<void> {
    const tempPath = await writeTempFile(this.layout.tempDirectory, Buffer.from(content));
    await rename(tempPath, file).catch(async (error: unknown) => {
      await unlink(tempPath).catch(() => undefined);
      throw error;
    });
  }
}
