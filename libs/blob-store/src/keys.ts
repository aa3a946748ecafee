import { InvalidBlobKeyError, InvalidUploadPartError } from './errors';
import type { ByteRange } from './ports';

/** S3's limit on a key's UTF-8 length; the filesystem adapter keeps it too so keys stay portable. */
export const MAX_KEY_BYTES = 1024;
export const MAX_PART_NUMBER = 10_000;

function checkCharacters(key: string, text: string): void {
  if (text.includes('\\')) throw new InvalidBlobKeyError(key, 'backslashes are not allowed');
  if (text.includes('\0')) throw new InvalidBlobKeyError(key, 'NUL characters are not allowed');
}

function checkSegment(key: string, segment: string): void {
  if (segment === '') throw new InvalidBlobKeyError(key, 'empty path segments are not allowed');
  if (segment === '.' || segment === '..') {
    throw new InvalidBlobKeyError(key, `"${segment}" path segments are not allowed`);
  }
}

/**
 * Keys are relative slash-separated paths. Anything that a filesystem or an S3 key prefix could
 * interpret as "go elsewhere" is rejected, so a caller can never escape its prefix in either adapter.
 */
export function validateKey(key: string): void {
  if (typeof key !== 'string' || key === '') throw new InvalidBlobKeyError(String(key), 'key is empty');
  if (key.startsWith('/')) throw new InvalidBlobKeyError(key, 'absolute keys are not allowed');
  checkCharacters(key, key);
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new InvalidBlobKeyError(key, `longer than ${MAX_KEY_BYTES} bytes`);
  }
  for (const segment of key.split('/')) checkSegment(key, segment);
}

/**
 * A list prefix is a plain string prefix, as in S3 (`a/b` also matches `a/bc`; end it with `/` to
 * mean a folder). Every complete segment must be valid; the last, partial one may be anything
 * except the characters a key may never hold.
 */
export function validatePrefix(prefix: string): void {
  if (prefix === '') return;
  if (prefix.startsWith('/')) throw new InvalidBlobKeyError(prefix, 'absolute prefixes are not allowed');
  checkCharacters(prefix, prefix);
  const segments = prefix.split('/');
  segments.pop();
  for (const segment of segments) checkSegment(prefix, segment);
}

/** A malformed range is a caller bug (the HTTP layer parses Range headers), hence a plain RangeError. */
export function validateRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) throw new RangeError(`invalid range start ${start}`);
  if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) {
    throw new RangeError(`invalid range end ${end} for start ${start}`);
  }
}

export function validatePartNumber(uploadId: string, partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw new InvalidUploadPartError(uploadId, partNumber, `part numbers run from 1 to ${MAX_PART_NUMBER}`);
  }
}

/** Compares keys the way S3 lists them: by their UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
