import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { FileTooLargeError } from './package-errors';

export interface FileDigests {
  size: number;
  md5: string;
  sha1: string;
  sha256: string;
  sha512: string;
}

/**
 * A pass-through stream that hashes and counts what flows through it (every checksum a format
 * serves: Maven asks for all four) and fails with FileTooLargeError once more than `maxBytes`
 * passed, so an oversized upload stops at the limit instead of at its end.
 */
export class HashingCounter extends Transform {
  private readonly hashes: Record<'md5' | 'sha1' | 'sha256' | 'sha512', Hash> = {
    md5: createHash('md5'),
    sha1: createHash('sha1'),
    sha256: createHash('sha256'),
    sha512: createHash('sha512'),
  };
  private size = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(new FileTooLargeError(this.maxBytes));
      return;
    }
    for (const hash of Object.values(this.hashes)) hash.update(chunk);
    callback(null, chunk);
  }

  /** The digests of everything that passed; call once the stream has ended. */
  digests(): FileDigests {
    return {
      size: this.size,
      md5: this.hashes.md5.digest('hex'),
      sha1: this.hashes.sha1.digest('hex'),
      sha256: this.hashes.sha256.digest('hex'),
      sha512: this.hashes.sha512.digest('hex'),
    };
  }
}
