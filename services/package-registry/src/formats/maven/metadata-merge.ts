import { isSnapshotVersion, SNAPSHOT_SUFFIX } from './maven-paths';
import type { MavenMetadata, SnapshotVersion } from './metadata-xml';
import { isLaterBuild, parseSnapshotFileName, type SnapshotFile } from './snapshot-files';

/**
 * What maven-metadata.xml to serve, given the newest document a client uploaded and what the
 * packages table knows. Clients build metadata from what they read before uploading, so two
 * deploys that race, or a client that skips the metadata, leave a stored document that misses a
 * version or names an older SNAPSHOT build. Rather than rewriting uploads (their `.sha1`/`.md5`
 * uploads must still match what they sent), the document is checked against the table when it is
 * served: when it agrees it is served byte for byte, otherwise a corrected document is generated.
 * The generated one depends on stored data only (no clock), so its checksums stay stable between
 * the GET of the file and the GET of its `.sha1`.
 *
 * Both functions answer null for "serve the stored document as it is".
 */

export interface KnownVersion {
  version: string;
  /** When the version was first published: the order of `versions`, and which one is `latest`. */
  createdAt: Date;
  /** Its last change (a file added): `lastUpdated`. */
  updatedAt: Date;
}

/** Maven's `lastUpdated`: `yyyyMMddHHmmss` in UTC. */
export function mavenTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

const later = (a: string | undefined, b: string) => (a !== undefined && a > b ? a : b);

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((value) => right.has(value));
}

/**
 * The artifact-level document (`<groupId>/<artifactId>/maven-metadata.xml`): `versions` are the
 * versions that have files, in the order they were first published; `latest` the last of them and
 * `release` the last that is not a SNAPSHOT (Maven's "last deployed" meaning of both).
 */
export function artifactMetadataToServe(
  stored: MavenMetadata | null,
  coordinates: { groupId: string | null; artifactId: string },
  known: readonly KnownVersion[],
): MavenMetadata | null {
  if (known.length === 0) return null;
  const ordered = [...known].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const versions = [...new Set(ordered.map((entry) => entry.version))];
  const latest = versions[versions.length - 1]!;
  const release = [...versions].reverse().find((version) => !isSnapshotVersion(version));
  const storedVersioning = stored?.versioning;
  if (
    storedVersioning &&
    sameSet(storedVersioning.versions, versions) &&
    storedVersioning.latest === latest &&
    storedVersioning.release === release
  ) {
    return null;
  }
  const newest = Math.max(...ordered.map((entry) => entry.updatedAt.getTime()));
  return {
    groupId: stored?.groupId ?? coordinates.groupId ?? undefined,
    artifactId: stored?.artifactId ?? coordinates.artifactId,
    versioning: {
      latest,
      ...(release === undefined ? {} : { release }),
      versions,
      lastUpdated: later(storedVersioning?.lastUpdated, mavenTimestamp(new Date(newest))),
      snapshotVersions: [],
    },
    plugins: stored?.plugins ?? [],
  };
}

const fileKey = (file: Pick<SnapshotFile, 'classifier' | 'extension'>) =>
  `${file.classifier ?? ''}\u0000${file.extension}`;

/**
 * The version-level document of a SNAPSHOT (`.../1.1-SNAPSHOT/maven-metadata.xml`): `snapshot`
 * names the newest build among the package's timestamped files and `snapshotVersions` the newest
 * file of each classifier and extension, which is what Maven resolves `1.1-SNAPSHOT` through.
 */
export function snapshotMetadataToServe(
  stored: MavenMetadata | null,
  coordinates: { groupId: string | null; artifactId: string; version: string },
  fileNames: readonly string[],
): MavenMetadata | null {
  const { artifactId, version } = coordinates;
  const builds = fileNames
    .map((name) => parseSnapshotFileName(artifactId, version, name))
    .filter((file): file is SnapshotFile => file !== null);
  if (builds.length === 0) return null;
  const newest = builds.reduce((best, file) => (isLaterBuild(file, best) ? file : best));
  const storedSnapshot = stored?.versioning?.snapshot;
  if (storedSnapshot?.buildNumber === newest.buildNumber && storedSnapshot.timestamp === newest.timestamp) {
    return null;
  }
  const newestPerFile = new Map<string, SnapshotFile>();
  for (const file of builds) {
    const current = newestPerFile.get(fileKey(file));
    if (!current || isLaterBuild(file, current)) newestPerFile.set(fileKey(file), file);
  }
  const base = version.slice(0, -SNAPSHOT_SUFFIX.length);
  const snapshotVersions: SnapshotVersion[] = [...newestPerFile.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, file]) => ({
      ...(file.classifier === undefined ? {} : { classifier: file.classifier }),
      extension: file.extension,
      value: `${base}-${file.timestamp}-${file.buildNumber}`,
      updated: file.timestamp.replace('.', ''),
    }));
  return {
    groupId: stored?.groupId ?? coordinates.groupId ?? undefined,
    artifactId: stored?.artifactId ?? artifactId,
    version,
    versioning: {
      snapshot: { timestamp: newest.timestamp, buildNumber: newest.buildNumber },
      versions: [],
      lastUpdated: later(stored?.versioning?.lastUpdated, newest.timestamp.replace('.', '')),
      snapshotVersions,
    },
    plugins: [],
  };
}
