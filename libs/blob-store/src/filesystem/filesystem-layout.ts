import path from 'node:path';
import { InvalidBlobKeyError } from '../errors';
import { validateKey } from '../keys';

/** Hidden top-level folder for multipart uploads and temp files; no key may live under it. */
export const UPLOADS_FOLDER = '.uploads';

/** Where paths of the filesystem adapter live: objects at `<root>/<key>`, the rest under `.uploads/`. */
export class FilesystemLayout {
  readonly tempDirectory: string;
  readonly uploadsDirectory: string;

  constructor(readonly root: string) {
    this.uploadsDirectory = path.join(root, UPLOADS_FOLDER);
    // Temp files sit on the same filesystem as the objects, so renaming them into place is atomic.
    this.tempDirectory = path.join(this.uploadsDirectory, '.tmp');
  }

  isHidden(key: string): boolean {
    return key === UPLOADS_FOLDER || key.startsWith(`${UPLOADS_FOLDER}/`);
  }

  /** Validates the key and returns its file path. */
  objectPath(key: string): string {
    validateKey(key);
    if (this.isHidden(key))
      throw new InvalidBlobKeyError(key, `"${UPLOADS_FOLDER}" is reserved by the filesystem store`);
    return path.join(this.root, ...key.split('/'));
  }

  uploadDirectory(uploadId: string): string {
    return path.join(this.uploadsDirectory, uploadId);
  }
}

/**
 * Bytes per read when streaming a file. Node's default (64 KiB) makes a 1 GiB download 16,384
 * chunks through every stream and socket it passes; 1 MiB chunks cut that overhead without
 * holding much memory.
 */
export const READ_CHUNK_BYTES = 1024 * 1024;
