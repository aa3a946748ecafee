import { ApiError } from '@stowage/http';
import { compileTagNamePattern, InvalidTagNamePatternError } from '@stowage/registry-data';

/**
 * Checks a client's tag-name pattern the way the cleanup-worker will compile it. A pattern RE2
 * refuses (look-arounds, back-references, unbalanced groups) answers 400, as GitLab's
 * untrusted-regexp validation does.
 */
export function checkTagNamePattern(field: string, source: string): void {
  try {
    compileTagNamePattern(source);
  } catch (error) {
    if (!(error instanceof InvalidTagNamePatternError)) throw error;
    throw new ApiError(400, { error: `${field} is an invalid regexp: ${error.message}` });
  }
}
