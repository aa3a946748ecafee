import {
  INDEX_MEDIA_TYPES,
  MANIFEST_MEDIA_TYPES,
  MEDIA_TYPES,
  SCHEMA1_MEDIA_TYPES,
  digestOf,
  isDigest,
  type BlobReference,
  type ManifestToSave,
} from '@stowage/registry-data';

/** The payload is not a manifest the registry accepts; `message` says why (for the error detail). */
export class InvalidManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidManifestError';
  }
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function descriptor(value: unknown, where: string): Descriptor {
  if (!isObject(value)) throw new InvalidManifestError(`${where} is not a descriptor`);
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string' || mediaType === '') {
    throw new InvalidManifestError(`${where}.mediaType is missing`);
  }
  if (typeof digest !== 'string' || !isDigest(digest)) {
    throw new InvalidManifestError(`${where}.digest is not a valid digest`);
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new InvalidManifestError(`${where}.size is not a non-negative integer`);
  }
  const artifactType = typeof value.artifactType === 'string' ? value.artifactType : undefined;
  return { mediaType, digest, size, artifactType };
}

function descriptors(value: unknown, where: string, required: boolean): Descriptor[] {
  if (value === undefined && !required) return [];
  if (!Array.isArray(value)) throw new InvalidManifestError(`${where} must be an array`);
  return value.map((item, index) => descriptor(item, `${where}[${index}]`));
}

function annotationsOf(value: unknown): Record<string, string> | null {
  if (!isObject(value)) return null;
  const entries = Object.entries(value).filter(([, v]) => typeof v === 'string') as [string, string][];
  return entries.length > 0 ? Object.fromEntries(entries) : null;
}

/**
 * Which media type the manifest is: its own `mediaType` field, else the request's Content-Type.
 * When both are given they must agree, as distribution requires.
 */
function mediaTypeOf(body: Json, contentType: string | undefined): string {
  const declared = typeof body.mediaType === 'string' ? body.mediaType : undefined;
  const header = contentType?.split(';')[0]?.trim().toLowerCase() || undefined;
  if (declared && header && MANIFEST_MEDIA_TYPES.includes(header) && declared !== header) {
    throw new InvalidManifestError(`mediaType ${declared} does not match Content-Type ${header}`);
  }
  const mediaType = declared ?? header;
  if (!mediaType) throw new InvalidManifestError('the manifest has no media type');
  if (SCHEMA1_MEDIA_TYPES.includes(mediaType) || body.schemaVersion === 1) {
    throw new InvalidManifestError('Docker schema 1 manifests are not supported; push schema 2 or OCI');
  }
  if (!MANIFEST_MEDIA_TYPES.includes(mediaType)) {
    throw new InvalidManifestError(`unsupported manifest media type ${mediaType}`);
  }
  return mediaType;
}

function blobReference(d: Descriptor): BlobReference {
  return { digest: d.digest, size: d.size, mediaType: d.mediaType };
}

/**
 * Parses and checks a pushed manifest: its media type, its descriptors (config, layers, blobs,
 * child manifests, subject) and its digest, computed from the exact bytes received.
 */
export function parseManifest(payload: Buffer, contentType: string | undefined): ManifestToSave {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new InvalidManifestError('the manifest is not valid JSON');
  }
  if (!isObject(body)) throw new InvalidManifestError('the manifest is not a JSON object');
  const mediaType = mediaTypeOf(body, contentType);
  if (mediaType !== MEDIA_TYPES.ociArtifactManifest && body.schemaVersion !== 2) {
    throw new InvalidManifestError('schemaVersion must be 2');
  }
  const subject = body.subject === undefined ? null : descriptor(body.subject, 'subject');
  const explicitArtifactType = typeof body.artifactType === 'string' ? body.artifactType : null;
  const base = {
    digest: digestOf(payload),
    mediaType,
    payload,
    subjectDigest: subject?.digest ?? null,
    annotations: annotationsOf(body.annotations),
  };

  if (INDEX_MEDIA_TYPES.includes(mediaType)) {
    const children = descriptors(body.manifests, 'manifests', true);
    return {
      ...base,
      artifactType: explicitArtifactType,
      configDigest: null,
      blobs: [],
      childDigests: [...new Set(children.map((child) => child.digest))],
    };
  }
  if (mediaType === MEDIA_TYPES.ociArtifactManifest) {
    const blobs = descriptors(body.blobs, 'blobs', false);
    return {
      ...base,
      artifactType: explicitArtifactType,
      configDigest: null,
      blobs: blobs.map(blobReference),
      childDigests: [],
    };
  }
  const config = descriptor(body.config, 'config');
  const layers = descriptors(body.layers, 'layers', mediaType === MEDIA_TYPES.dockerManifest);
  return {
    ...base,
    // The referrers API reports an image manifest's config media type when it names no artifactType.
    artifactType: explicitArtifactType ?? config.mediaType,
    configDigest: config.digest,
    blobs: [config, ...layers].map(blobReference),
    childDigests: [],
  };
}
