import { SNAPSHOT_SUFFIX } from './maven-paths';

/**
 * A SNAPSHOT build's file, as Maven names it when deploying unique snapshots:
 * `<artifactId>-<base version>-<yyyyMMdd.HHmmss>-<build number>[-<classifier>].<extension>`.
 */
export interface SnapshotFile {
  timestamp: string;
  buildNumber: number;
  classifier?: string;
  extension: string;
}

const BUILD = /^(\d{8}\.\d{6})-(\d{1,9})(?:-([^.]+))?\.(.+)$/;

/** The build a file of `artifactId`'s SNAPSHOT `version` belongs to; null for other files. */
export function parseSnapshotFileName(
  artifactId: string,
  version: string,
  fileName: string,
): SnapshotFile | null {
  if (!version.endsWith(SNAPSHOT_SUFFIX)) return null;
  const prefix = `${artifactId}-${version.slice(0, -SNAPSHOT_SUFFIX.length)}-`;
  if (!fileName.startsWith(prefix)) return null;
  const match = BUILD.exec(fileName.slice(prefix.length));
  if (!match) return null;
  const [, timestamp, buildNumber, classifier, extension] = match;
  return {
    timestamp: timestamp!,
    buildNumber: Number(buildNumber),
    ...(classifier === undefined ? {} : { classifier }),
    extension: extension!,
  };
}

/** Whether `a` is a later build than `b`: a higher build number, then a later timestamp. */
export function isLaterBuild(
  a: Pick<SnapshotFile, 'timestamp' | 'buildNumber'>,
  b: Pick<SnapshotFile, 'timestamp' | 'buildNumber'>,
): boolean {
  return a.buildNumber !== b.buildNumber ? a.buildNumber > b.buildNumber : a.timestamp > b.timestamp;
}
