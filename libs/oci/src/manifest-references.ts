import { isDigest } from './digests';
import { isValidTag } from './names';

export type ManifestReference = { digest: string } | { tag: string };

/**
 * What the last segment of `.../manifests/<reference>` names: a digest (it has a colon) or a
 * tag; null when it is neither a valid digest nor a valid tag. Callers pick the error.
 */
export function parseManifestReference(reference: string): ManifestReference | null {
  if (reference.includes(':')) return isDigest(reference) ? { digest: reference } : null;
  return isValidTag(reference) ? { tag: reference } : null;
}
