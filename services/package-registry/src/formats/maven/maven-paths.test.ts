import { InvalidPackageInputError } from '../../core/package-errors';
import { packageMetadataOf, parseMavenPath } from './maven-paths';

const parse = (path: string) => parseMavenPath(path.split('/'));

describe('parseMavenPath', () => {
  it('when a release file is named, then the package is the path without the version', () => {
    expect(parse('com/example/hello/1.0.0/hello-1.0.0.jar')).toEqual({
      name: 'com/example/hello',
      version: '1.0.0',
      fileName: 'hello-1.0.0.jar',
      checksum: null,
      isMetadata: false,
      groupId: 'com.example',
      artifactId: 'hello',
    });
  });

  it('when the artifact-level metadata is named, then it belongs to the versionless package of the whole path', () => {
    const target = parse('com/example/hello/maven-metadata.xml');
    expect([target.name, target.version, target.isMetadata, target.groupId, target.artifactId]).toEqual([
      'com/example/hello',
      null,
      true,
      'com.example',
      'hello',
    ]);
    expect(packageMetadataOf(target)).toEqual({
      path: 'com/example/hello',
      app_group: 'com.example',
      app_name: 'hello',
      app_version: null,
    });
  });

  it('when a SNAPSHOT version holds the metadata, then it belongs to that version', () => {
    const target = parse('com/example/hello/1.1-SNAPSHOT/maven-metadata.xml.sha1');
    expect([target.name, target.version, target.fileName, target.checksum, target.isMetadata]).toEqual([
      'com/example/hello',
      '1.1-SNAPSHOT',
      'maven-metadata.xml',
      'sha1',
      true,
    ]);
  });

  it.each(['md5', 'sha1', 'sha256', 'sha512'])(
    'when %s of a file is named, then the file and the algorithm are told apart',
    (alg) => {
      const target = parse(`com/example/hello/1.0.0/hello-1.0.0.pom.${alg}`);
      expect([target.fileName, target.checksum]).toEqual(['hello-1.0.0.pom', alg]);
    },
  );

  it.each([
    ['traversal', ['com', '..', 'hello', '1.0', 'x.jar']],
    ['a dot segment', ['com', '.', 'hello', '1.0', 'x.jar']],
    ['an absolute path', ['', 'etc', 'hello', '1.0', 'x.jar']],
    ['a decoded slash', ['com', 'a/b', 'hello', '1.0', 'x.jar']],
    ['a backslash', ['com', 'a\\b', 'hello', '1.0', 'x.jar']],
    ['dots inside a segment', ['com', 'a..b', 'hello', '1.0', 'x.jar']],
    ['a traversing file name', ['com', 'hello', '1.0', '..']],
    ['a hidden file name', ['com', 'hello', '1.0', '.jar']],
    ['a control character', ['com', 'hello', '1.0', 'x\u0000.jar']],
    ['no version below the artifact', ['hello', '1.0', 'x.jar']],
    ['a file alone', ['x.jar']],
    ['a bare checksum suffix', ['com', 'hello', '1.0', '.sha1']],
  ])('when the path has %s, then it is refused as bad input', (_case, segments) => {
    expect(() => parseMavenPath(segments)).toThrow(InvalidPackageInputError);
  });
});
