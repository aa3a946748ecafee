import { OciError } from '@stowage/http';
import {
  findRepository,
  isValidRepositoryName,
  parseDigest,
  type ParsedDigest,
  type Repository,
  type RegistryDb,
} from '@stowage/registry-data';

/** Refuses names outside the distribution grammar before they reach a query. */
export function checkName(name: string): void {
  if (!isValidRepositoryName(name)) throw new OciError('NAME_INVALID', { name });
}

/** A path segment that must be a digest; DIGEST_INVALID otherwise. */
export function requireDigest(text: string): ParsedDigest {
  const digest = parseDigest(text);
  if (!digest) throw new OciError('DIGEST_INVALID', { digest: text });
  return digest;
}

/**
 * The repository being read, or the error the endpoint answers when it has never been pushed
 * (each endpoint names its own "unknown" code, as distribution does).
 */
export async function existingRepository(
  db: RegistryDb,
  name: string,
  unknown: 'NAME_UNKNOWN' | 'BLOB_UNKNOWN' | 'MANIFEST_UNKNOWN' | 'BLOB_UPLOAD_UNKNOWN',
): Promise<Repository> {
  const repository = await findRepository(db, name);
  if (!repository) throw new OciError(unknown, { name });
  return repository;
}
