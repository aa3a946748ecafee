import RE2 from 're2';
import { ApiError } from '@stowage/http';
import { anchorTagPattern } from '@stowage/registry-data';

/**
 * Checks a client's tag-name pattern the way the cleanup-worker will compile it: with RE2
 * (linear time, so no pattern can stall a worker), alone and then anchored to whole names.
 * A pattern RE2 refuses (look-arounds, back-references, unbalanced groups) answers 400, as
 * GitLab's untrusted-regexp validation does.
 */
export function checkTagNamePattern(field: string, source: string): void {
  try {
    new RE2(source);
    new RE2(anchorTagPattern(source));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError(400, { error: `${field} is an invalid regexp: ${reason}` });
  }
}
