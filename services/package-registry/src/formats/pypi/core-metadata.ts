import { createHash } from 'node:crypto';
import type { BlobStore } from '@stowage/blob-store';
import type { StagedFile } from '../../core/file-staging';
import { InvalidPackageInputError } from '../../core/package-errors';
import { readStoredZipEntries } from '../../core/stored-zip';

/**
 * A wheel's core metadata (`<name>-<version>.dist-info/METADATA`), read from the staged wheel at
 * upload so the index can offer it on its own (PEP 658, PEP 714): pip then resolves dependencies
 * from a few kilobytes instead of downloading every candidate wheel.
 */
export interface CoreMetadata {
  /** The file's bytes as text, served unchanged (its SHA-256 is what the index announces). */
  text: string;
  sha256: string;
}

// A top-level `.dist-info` directory's METADATA; PEP 427 allows one such directory per wheel.
const METADATA_ENTRY = /^[^/]+\.dist-info\/METADATA$/;

/**
 * The METADATA of a staged wheel. Throws InvalidPackageInputError when the wheel is not a zip,
 * has no METADATA or more than one, or its METADATA is larger than `maxBytes`.
 */
export async function wheelCoreMetadata(
  blobs: BlobStore,
  staged: StagedFile,
  maxBytes: number,
): Promise<CoreMetadata> {
  const entries = await readStoredZipEntries(
    blobs,
    staged.stagingKey,
    staged.size,
    (name) => METADATA_ENTRY.test(name),
    maxBytes,
  );
  if (entries.length !== 1) {
    throw new InvalidPackageInputError(
      entries.length === 0
        ? 'the wheel has no .dist-info/METADATA'
        : 'the wheel has more than one .dist-info/METADATA',
    );
  }
  const content = entries[0]!.content;
  const text = content.toString('utf8');
  // Kept as text: bytes that are not UTF-8 (which core metadata must be) would not survive the trip.
  if (!Buffer.from(text, 'utf8').equals(content))
    throw new InvalidPackageInputError("the wheel's METADATA is not UTF-8");
  return { text, sha256: createHash('sha256').update(content).digest('hex') };
}
