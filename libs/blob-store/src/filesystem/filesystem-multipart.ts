import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { InvalidUploadPartError, UploadNotFoundError } from '../errors';
import { validatePartNumber } from '../keys';
import type { UploadPart } from '../ports';
import { hasCode, writeTempFile } from './file-writes';
import { READ_CHUNK_BYTES, type FilesystemLayout } from './filesystem-layout';

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STATE_FILE = 'upload.json';

interface UploadState {
  key: string;
  createdAt: string;
}

function normalizeEtag(etag: string): string {
  return etag.replace(/"/g, '');
}

/**
 * Multipart uploads kept on disk under `.uploads/<uploadId>/`: `upload.json` (the target key), and
 * per part `<n>` (its bytes) and `<n>.etag` (its MD5). Nothing is held in memory, so an upload
 * started by one process can be continued and completed by the next one after a restart.
 */
export class FilesystemMultipartUploads {
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
    const hash = createHash('md5');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    const tempPath = await writeTempFile(this.layout.tempDirectory, body, measure);
    const etag = hash.digest('hex');
    try {
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

  /** Concatenates the parts into a flushed temp file and returns its path; the caller moves it into place. */
  async assemble(key: string, uploadId: string, parts: UploadPart[]): Promise<string> {
    const directory = await this.openUpload(key, uploadId);
    const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    if (sorted.length === 0) throw new InvalidUploadPartError(uploadId, 0, 'at least one part is required');
    const files: string[] = [];
    for (const [index, part] of sorted.entries()) {
      validatePartNumber(uploadId, part.partNumber);
      if (index > 0 && sorted[index - 1]?.partNumber === part.partNumber) {
        throw new InvalidUploadPartError(uploadId, part.partNumber, 'named twice');
      }
      const file = path.join(directory, String(part.partNumber));
      const size = await this.checkPart(uploadId, part, file);
      if (index < sorted.length - 1 && size < this.minPartSize) {
        throw new InvalidUploadPartError(uploadId, part.partNumber, `smaller than ${this.minPartSize} bytes`);
      }
      files.push(file);
    }
    return writeTempFile(this.layout.tempDirectory, async function* concatenate() {
      for (const file of files) yield* createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
    });
  }

  /** Removes the upload's folder; a missing upload is fine, another key's upload is not touched. */
  async remove(key: string, uploadId: string): Promise<void> {
    try {
      await this.openUpload(key, uploadId);
    } catch (error) {
      if (error instanceof UploadNotFoundError && !(await this.exists(uploadId))) return;
      throw error;
    }
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
    let state: UploadState;
    try {
      state = JSON.parse(await readFile(path.join(directory, STATE_FILE), 'utf8')) as UploadState;
    } catch (error) {
      if (hasCode(error, 'ENOENT')) throw new UploadNotFoundError(uploadId);
      throw error;
    }
    if (state.key !== key) throw new UploadNotFoundError(uploadId);
    return directory;
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
