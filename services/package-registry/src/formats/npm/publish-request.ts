import { InvalidPackageInputError } from '../../core/package-errors';
import { npmDistTag, npmPackageName, npmVersion } from './npm-names';

/**
 * What a publish document asks for, checked: one version of the package the URL names, its
 * manifest, the dist-tags to point at it, and the checksums npm computed of the tarball.
 */
export interface NpmPublication {
  name: string;
  version: string;
  /** The version's package.json as npm sent it (without `dist.tarball`, which is ours to write). */
  manifest: Record<string, unknown>;
  tags: string[];
  sha1?: string;
  sha512?: string;
  /** The attachment's announced length, when given. */
  length?: number;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `sha512-<base64>` from npm's `integrity` (an SRI list) as hex; other algorithms are ignored. */
export function sha512FromIntegrity(integrity: unknown): string | undefined {
  if (integrity === undefined) return undefined;
  if (typeof integrity !== 'string') throw new InvalidPackageInputError('dist.integrity must be a string');
  for (const entry of integrity.trim().split(/\s+/)) {
    const match = /^sha512-([A-Za-z0-9+/]{86}==)(\?.*)?$/.exec(entry);
    if (match) return Buffer.from(match[1]!, 'base64').toString('hex');
  }
  if (/(^|\s)sha512-/.test(integrity)) throw new InvalidPackageInputError('dist.integrity is malformed');
  return undefined;
}

/** npm's `integrity` of a file from its stored sha512 (hex). */
export function integrityOf(sha512Hex: string): string {
  return `sha512-${Buffer.from(sha512Hex, 'hex').toString('base64')}`;
}

function manifestOf(document: Json, urlName: string): { version: string; manifest: Json } {
  const versions = document.versions;
  if (!isObject(versions)) throw new InvalidPackageInputError('versions is missing');
  const entries = Object.entries(versions);
  if (entries.length !== 1) throw new InvalidPackageInputError('a publish holds exactly one version');
  const [key, manifest] = entries[0]!;
  const version = npmVersion(key);
  if (!isObject(manifest)) throw new InvalidPackageInputError(`versions.${version} must be an object`);
  if (manifest.name !== urlName) throw new InvalidPackageInputError('the version names another package');
  if (manifest.version !== version)
    throw new InvalidPackageInputError('the version document has another version');
  return { version, manifest };
}

function tagsFor(document: Json, version: string): string[] {
  const distTags = document['dist-tags'];
  if (distTags === undefined) return [];
  if (!isObject(distTags)) throw new InvalidPackageInputError('dist-tags must be an object');
  return Object.entries(distTags).map(([tag, target]) => {
    if (target !== version)
      throw new InvalidPackageInputError(`dist-tag ${tag} names a version not published here`);
    return npmDistTag(tag);
  });
}

/** Checks a publish document against the package the URL names; InvalidPackageInputError otherwise. */
export function npmPublication(document: Json, urlName: string, attachmentKey: string): NpmPublication {
  const name = npmPackageName(urlName);
  if (document.name !== undefined && document.name !== name) {
    throw new InvalidPackageInputError('the document names another package than the URL');
  }
  const { version, manifest } = manifestOf(document, name);
  const dist = isObject(manifest.dist) ? manifest.dist : {};
  if (dist.shasum !== undefined && typeof dist.shasum !== 'string') {
    throw new InvalidPackageInputError('dist.shasum must be a string');
  }
  const sha512 = sha512FromIntegrity(dist.integrity);
  const { tarball: _tarball, ...keptDist } = dist;
  const attachment = (document._attachments as Json)[attachmentKey];
  const length = isObject(attachment) ? attachment.length : undefined;
  if (length !== undefined && (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0)) {
    throw new InvalidPackageInputError('the attachment length is malformed');
  }
  return {
    name,
    version,
    manifest: { ...manifest, dist: keptDist },
    tags: tagsFor(document, version),
    ...(typeof dist.shasum === 'string' ? { sha1: dist.shasum } : {}),
    ...(sha512 ? { sha512 } : {}),
    ...(length !== undefined ? { length } : {}),
  };
}
