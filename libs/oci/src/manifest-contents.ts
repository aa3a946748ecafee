/**
 * Lenient readings of manifests already stored (the registry checked them at push; the
 * dependency proxy keeps an upstream's bytes as served): what an API shows about an image. A
 * field that is missing or malformed is skipped rather than refused, so a listing never fails on
 * one odd manifest.
 */

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface IndexEntry {
  digest: string;
  /** null when the entry names no usable platform (an attestation, `unknown/unknown`). */
  platform: Platform | null;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parsed(payload: Uint8Array): Json | null {
  try {
    const body: unknown = JSON.parse(Buffer.from(payload).toString('utf8'));
    return isObject(body) ? body : null;
  } catch {
    return null;
  }
}

// BuildKit stores provenance and SBOMs as index entries of platform unknown/unknown, annotated so.
const ATTESTATION_ANNOTATION = 'vnd.docker.reference.type';

function platformOf(entry: Json): Platform | null {
  const { platform, annotations } = entry;
  if (isObject(annotations) && annotations[ATTESTATION_ANNOTATION] !== undefined) return null;
  if (!isObject(platform)) return null;
  const { os, architecture, variant } = platform;
  if (typeof os !== 'string' || typeof architecture !== 'string') return null;
  if (os === 'unknown' || architecture === 'unknown') return null;
  return typeof variant === 'string' && variant !== '' ? { os, architecture, variant } : { os, architecture };
}

/** An index's (or manifest list's) entries, in its order; [] when the payload has none. */
export function indexEntries(payload: Uint8Array): IndexEntry[] {
  const manifests = parsed(payload)?.manifests;
  if (!Array.isArray(manifests)) return [];
  return manifests
    .filter(isObject)
    .filter((entry): entry is Json & { digest: string } => typeof entry.digest === 'string')
    .map((entry) => ({ digest: entry.digest, platform: platformOf(entry) }));
}

/** The platforms an index offers, attestations and unknown entries left out. */
export function indexPlatforms(payload: Uint8Array): Platform[] {
  return indexEntries(payload).flatMap((entry) => (entry.platform ? [entry.platform] : []));
}

function sizeOf(descriptor: unknown): number {
  if (!isObject(descriptor)) return 0;
  const { size } = descriptor;
  return typeof size === 'number' && Number.isSafeInteger(size) && size > 0 ? size : 0;
}

/**
 * The bytes an image manifest names: its config and layers (an artifact manifest's blobs); 0
 * for an index, whose children each name their own.
 */
export function imageBlobsSize(payload: Uint8Array): number {
  const body = parsed(payload);
  if (!body) return 0;
  const layers = Array.isArray(body.layers) ? body.layers : Array.isArray(body.blobs) ? body.blobs : [];
  return [body.config, ...layers].reduce<number>((total, descriptor) => total + sizeOf(descriptor), 0);
}
