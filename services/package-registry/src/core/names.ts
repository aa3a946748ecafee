import { InvalidPackageInputError } from './package-errors';

/** Longest file name accepted (GitLab's column and most filesystems). */
const MAX_FILE_NAME_LENGTH = 255;

function hasControlCharacter(text: string): boolean {
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * A file name as a client gives it: one path segment, printable, no way to name another place.
 * Throws InvalidPackageInputError otherwise. Storage keys never hold it (objects are
 * content-addressed), so this is about what listings and downloads show.
 */
export function checkFileName(name: string): string {
  if (name === '' || name.length > MAX_FILE_NAME_LENGTH) {
    throw new InvalidPackageInputError(`file name must be 1 to ${MAX_FILE_NAME_LENGTH} characters`);
  }
  if (name === '.' || name === '..' || /[/\\]/.test(name) || hasControlCharacter(name)) {
    throw new InvalidPackageInputError('file name must be a single path segment without control characters');
  }
  return name;
}

/** PEP 503's normalised project name: runs of `-`, `_`, `.` become one `-`, lower-cased. */
export function pypiNormalizedName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}
