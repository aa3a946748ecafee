import type { ChecksumAlgorithm } from '../../core/checksums';
import { InvalidPackageInputError } from '../../core/package-errors';

/**
 * What a Maven request path names. GitLab's rule (Packages::Maven::FindOrCreatePackageService):
 * the path is `<groupId as folders>/<artifactId>/<version>/<file>`, except an artifact-level
 * `maven-metadata.xml`, whose path has no version (`<groupId>/<artifactId>/maven-metadata.xml`)
 * and which belongs to a versionless package named by the whole path. A package's name is the
 * path without the version (`com/example/hello`), as GitLab names Maven packages.
 */
export interface MavenTarget {
  name: string;
  /** null: the versionless package of the artifact-level metadata. */
  version: string | null;
  /** The file itself, without a checksum suffix. */
  fileName: string;
  /** `<file>.sha1` and the like name the file's checksum rather than a file. */
  checksum: ChecksumAlgorithm | null;
  isMetadata: boolean;
  /** The coordinates the name encodes; groupId null for a one-folder path. */
  groupId: string | null;
  artifactId: string;
}

export const METADATA_FILE = 'maven-metadata.xml';
export const SNAPSHOT_SUFFIX = '-SNAPSHOT';

const CHECKSUM_SUFFIX = /\.(md5|sha1|sha256|sha512)$/;
/** GitLab's Maven path and file name characters; a leading dot or `..` anywhere could name another place. */
const SEGMENT = /^[A-Za-z0-9_+-][A-Za-z0-9._+-]{0,254}$/;

export const isSnapshotVersion = (version: string) => version.endsWith(SNAPSHOT_SUFFIX);

function checkSegment(segment: string, what: string): void {
  if (!SEGMENT.test(segment) || segment.includes('..')) {
    throw new InvalidPackageInputError(`${what} is invalid`);
  }
}

function coordinates(nameSegments: string[]): Pick<MavenTarget, 'groupId' | 'artifactId'> {
  return {
    groupId: nameSegments.length > 1 ? nameSegments.slice(0, -1).join('.') : null,
    artifactId: nameSegments[nameSegments.length - 1]!,
  };
}

/**
 * Reads the request's path segments (decoded, file name last) into what they name. Refuses with
 * InvalidPackageInputError (400) any empty, dot-led, `..`-holding or otherwise foreign segment, so
 * absolute paths (`//etc`), traversal (`..`, `%2e%2e`), encoded slashes and backslashes never pass.
 */
export function parseMavenPath(segments: readonly string[]): MavenTarget {
  if (segments.length < 2) throw new InvalidPackageInputError('path is invalid');
  const requested = segments[segments.length - 1]!;
  checkSegment(requested, 'file_name');
  const folders = segments.slice(0, -1);
  for (const folder of folders) checkSegment(folder, 'path');
  const checksum = (CHECKSUM_SUFFIX.exec(requested)?.[1] as ChecksumAlgorithm | undefined) ?? null;
  const fileName = checksum ? requested.slice(0, -(checksum.length + 1)) : requested;
  if (fileName === '') throw new InvalidPackageInputError('file_name is invalid');
  const isMetadata = fileName === METADATA_FILE;
  const last = folders[folders.length - 1]!;
  if (isMetadata && !isSnapshotVersion(last)) {
    return {
      name: folders.join('/'),
      version: null,
      fileName,
      checksum,
      isMetadata,
      ...coordinates(folders),
    };
  }
  const nameSegments = folders.slice(0, -1);
  // A version needs an artifact and a group above it.
  if (nameSegments.length < 2)
    throw new InvalidPackageInputError('path must be <groupId>/<artifactId>/<version>');
  return {
    name: nameSegments.join('/'),
    version: last,
    fileName,
    checksum,
    isMetadata,
    ...coordinates(nameSegments),
  };
}

/** GitLab's `maven_metadatum` of a package: its path and coordinates. */
export function packageMetadataOf(target: MavenTarget): {
  path: string;
  app_group: string | null;
  app_name: string;
  app_version: string | null;
} {
  return {
    path: target.version === null ? target.name : `${target.name}/${target.version}`,
    app_group: target.groupId,
    app_name: target.artifactId,
    app_version: target.version,
  };
}
