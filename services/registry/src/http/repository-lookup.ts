import { OciError } from '@stowage/http';
import {
  digestProblem,
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

/**
 * DIGEST_INVALID for a digest that does not parse, saying why: the code's own message ("did not
 * match uploaded content") is for a well-formed digest the content does not hash to.
 */
function malformedDigest(text: string, problem: string): OciError {
  return new OciError('DIGEST_INVALID', { digest: text }, `invalid digest: ${problem}`);
}

/** A path segment or parameter that must be a digest; DIGEST_INVALID otherwise. */
export function requireDigest(text: string): ParsedDigest {
  const problem = digestProblem(text);
  if (problem !== undefined) throw malformedDigest(text, problem);
  return parseDigest(text)!;
}

/** `?digest=` or `?mount=`: null when absent, else exactly one well-formed digest. */
export function digestQueryParam(value: unknown, name: string): ParsedDigest | null {
  if (value === undefined) return null;
  if (typeof value !== 'string') throw malformedDigest(String(value), `${name} must be given once`);
  return requireDigest(value);
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
