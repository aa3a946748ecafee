import type { FileDigests } from './file-hashes';
import { ChecksumMismatchError, InvalidPackageInputError } from './package-errors';

export type ChecksumAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha512';

const HEX_LENGTH: Record<ChecksumAlgorithm, number> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };

/**
 * Compares checksums a client announced with the bytes that arrived. A malformed checksum is
 * refused as bad input, a wrong one as a mismatch; absent ones are not checked.
 */
export function verifyChecksums(
  digests: FileDigests,
  expected: Partial<Record<ChecksumAlgorithm, string | undefined>>,
): void {
  for (const algorithm of Object.keys(HEX_LENGTH) as ChecksumAlgorithm[]) {
    const value = expected[algorithm]?.trim().toLowerCase();
    if (value === undefined || value === '') continue;
    if (!new RegExp(`^[0-9a-f]{${HEX_LENGTH[algorithm]}}$`).test(value)) {
      throw new InvalidPackageInputError(`${algorithm} checksum is malformed`);
    }
    if (value !== digests[algorithm]) throw new ChecksumMismatchError(algorithm);
  }
}

/** `X-Checksum-Sha256`-style request headers (Artifactory's, which several clients send). */
export function checksumHeaders(
  get: (name: string) => string | undefined,
): Partial<Record<ChecksumAlgorithm, string>> {
  const found: Partial<Record<ChecksumAlgorithm, string>> = {};
  for (const algorithm of Object.keys(HEX_LENGTH) as ChecksumAlgorithm[]) {
    const value = get(`X-Checksum-${algorithm[0]!.toUpperCase()}${algorithm.slice(1)}`);
    if (value !== undefined) found[algorithm] = value;
  }
  return found;
}
