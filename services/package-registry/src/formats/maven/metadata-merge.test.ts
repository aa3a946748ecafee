import {
  artifactMetadataToServe,
  mavenTimestamp,
  snapshotMetadataToServe,
  type KnownVersion,
} from './metadata-merge';
import type { MavenMetadata } from './metadata-xml';
import { isLaterBuild, parseSnapshotFileName } from './snapshot-files';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 0, minute, 0));
const known = (version: string, minute: number): KnownVersion => ({
  version,
  createdAt: at(minute),
  updatedAt: at(minute),
});
const coordinates = { groupId: 'com.example', artifactId: 'hello' };

function artifactDoc(versions: string[], latest: string, release?: string): MavenMetadata {
  return {
    ...coordinates,
    versioning: {
      latest,
      ...(release ? { release } : {}),
      versions,
      lastUpdated: '20261207000500',
      snapshotVersions: [],
    },
    plugins: [],
  };
}

describe('artifact-level metadata served', () => {
  it('when the uploaded document lists every version as the table has them, then it is served as uploaded', () => {
    const stored = artifactDoc(['1.0', '1.1-SNAPSHOT'], '1.1-SNAPSHOT', '1.0');
    expect(
      artifactMetadataToServe(stored, coordinates, [known('1.0', 1), known('1.1-SNAPSHOT', 2)]),
    ).toBeNull();
  });

  it('when two deploys raced and the last upload misses a version, then the served document lists both', () => {
    const stored = artifactDoc(['1.0', '2.0'], '2.0', '2.0');
    const served = artifactMetadataToServe(stored, coordinates, [
      known('1.0', 1),
      known('1.5', 3),
      known('2.0', 2),
    ]);
    expect(served?.versioning).toEqual({
      latest: '1.5',
      release: '1.5',
      versions: ['1.0', '2.0', '1.5'],
      lastUpdated: '20261207000500',
      snapshotVersions: [],
    });
  });

  it('when no document was uploaded, then one is built from the table, release being the newest non-SNAPSHOT', () => {
    const served = artifactMetadataToServe(null, coordinates, [known('1.0', 1), known('2.0-SNAPSHOT', 2)]);
    expect(served).toEqual({
      groupId: 'com.example',
      artifactId: 'hello',
      versioning: {
        latest: '2.0-SNAPSHOT',
        release: '1.0',
        versions: ['1.0', '2.0-SNAPSHOT'],
        lastUpdated: mavenTimestamp(at(2)),
        snapshotVersions: [],
      },
      plugins: [],
    });
  });

  it('when only SNAPSHOTs exist, then there is no release element', () => {
    expect(
      artifactMetadataToServe(null, coordinates, [known('1.0-SNAPSHOT', 1)])?.versioning?.release,
    ).toBeUndefined();
  });

  it('when the table knows no version (a group-level plugins document), then the upload is served as it is', () => {
    expect(
      artifactMetadataToServe({ plugins: [{ prefix: 'x', artifactId: 'x-maven-plugin' }] }, coordinates, []),
    ).toBeNull();
  });

  it('when a version was deleted, then the served document drops it', () => {
    const stored = artifactDoc(['1.0', '2.0'], '2.0', '2.0');
    expect(artifactMetadataToServe(stored, coordinates, [known('1.0', 1)])?.versioning?.versions).toEqual([
      '1.0',
    ]);
  });

  it('formats lastUpdated as Maven does', () => {
    expect(mavenTimestamp(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)))).toBe('20260102030405');
  });
});

describe('SNAPSHOT metadata served', () => {
  const snapshot = { ...coordinates, version: '1.1-SNAPSHOT' };
  const build = (ts: string, n: number, suffix = '.jar') => `hello-1.1-${ts}-${n}${suffix}`;

  it('reads build numbers, classifiers and extensions from timestamped file names', () => {
    expect(
      parseSnapshotFileName('hello', '1.1-SNAPSHOT', build('20261207.003512', 12, '-sources.jar')),
    ).toEqual({
      timestamp: '20261207.003512',
      buildNumber: 12,
      classifier: 'sources',
      extension: 'jar',
    });
    expect(
      parseSnapshotFileName('hello', '1.1-SNAPSHOT', build('20261207.003512', 1, '.tar.gz'))?.extension,
    ).toBe('tar.gz');
    expect(parseSnapshotFileName('hello', '1.1-SNAPSHOT', 'hello-1.1-SNAPSHOT.jar')).toBeNull();
    expect(parseSnapshotFileName('hello', '1.1', build('20261207.003512', 1))).toBeNull();
    expect(
      isLaterBuild(
        { timestamp: '20260101.000000', buildNumber: 10 },
        { timestamp: '20270101.000000', buildNumber: 9 },
      ),
    ).toBe(true);
  });

  it('when the uploaded document names the newest build, then it is served as uploaded', () => {
    const stored: MavenMetadata = {
      ...snapshot,
      versioning: {
        snapshot: { timestamp: '20261207.003512', buildNumber: 2 },
        versions: [],
        snapshotVersions: [],
      },
      plugins: [],
    };
    const files = [
      build('20261207.003000', 1),
      build('20261207.003512', 2),
      build('20261207.003512', 2, '.pom'),
      'maven-metadata.xml',
    ];
    expect(snapshotMetadataToServe(stored, snapshot, files)).toBeNull();
  });

  it('when a client skipped the metadata of a newer build, then the served document names that build and its files', () => {
    const stored: MavenMetadata = {
      ...snapshot,
      versioning: {
        snapshot: { timestamp: '20261207.003000', buildNumber: 1 },
        lastUpdated: '20261207003000',
        versions: [],
        snapshotVersions: [],
      },
      plugins: [],
    };
    const files = [
      build('20261207.003000', 1),
      build('20261207.003000', 1, '-javadoc.jar'),
      build('20261207.004000', 2),
      build('20261207.004000', 2, '.pom'),
    ];
    expect(snapshotMetadataToServe(stored, snapshot, files)).toEqual({
      ...snapshot,
      versioning: {
        snapshot: { timestamp: '20261207.004000', buildNumber: 2 },
        versions: [],
        lastUpdated: '20261207004000',
        snapshotVersions: [
          { extension: 'jar', value: '1.1-20261207.004000-2', updated: '20261207004000' },
          { extension: 'pom', value: '1.1-20261207.004000-2', updated: '20261207004000' },
          // The javadoc was not built again: the newest one there is still resolves.
          {
            classifier: 'javadoc',
            extension: 'jar',
            value: '1.1-20261207.003000-1',
            updated: '20261207003000',
          },
        ],
      },
      plugins: [],
    });
  });

  it('when no file is timestamped (non-unique SNAPSHOTs), then the upload is served as it is', () => {
    expect(snapshotMetadataToServe(null, snapshot, ['hello-1.1-SNAPSHOT.jar'])).toBeNull();
  });
});
