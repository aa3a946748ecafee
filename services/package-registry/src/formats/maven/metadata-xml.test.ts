import { InvalidPackageInputError } from '../../core/package-errors';
import { buildMetadataXml, parseMetadataXml, type MavenMetadata } from './metadata-xml';

// As Maven 3.8 writes them on deploy.
const ARTIFACT_LEVEL = `<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>com.example</groupId>
  <artifactId>hello</artifactId>
  <versioning>
    <latest>1.1-SNAPSHOT</latest>
    <release>1.0</release>
    <versions>
      <version>1.0</version>
      <version>1.1-SNAPSHOT</version>
    </versions>
    <lastUpdated>20261207003512</lastUpdated>
  </versioning>
</metadata>
`;
const VERSION_LEVEL = `<?xml version="1.0" encoding="UTF-8"?>
<metadata modelVersion="1.1.0">
  <groupId>com.example</groupId>
  <artifactId>hello</artifactId>
  <version>1.1-SNAPSHOT</version>
  <versioning>
    <snapshot>
      <timestamp>20261207.003512</timestamp>
      <buildNumber>2</buildNumber>
    </snapshot>
    <lastUpdated>20261207003512</lastUpdated>
    <snapshotVersions>
      <snapshotVersion>
        <extension>jar</extension>
        <value>1.1-20261207.003512-2</value>
        <updated>20261207003512</updated>
      </snapshotVersion>
      <snapshotVersion>
        <classifier>sources</classifier>
        <extension>jar</extension>
        <value>1.1-20261207.003512-2</value>
        <updated>20261207003512</updated>
      </snapshotVersion>
    </snapshotVersions>
  </versioning>
</metadata>
`;

describe('maven-metadata.xml', () => {
  it('when an artifact-level document is read, then versions stay strings in their order (1.0 is not a number)', () => {
    expect(parseMetadataXml(ARTIFACT_LEVEL)).toEqual({
      groupId: 'com.example',
      artifactId: 'hello',
      versioning: {
        latest: '1.1-SNAPSHOT',
        release: '1.0',
        versions: ['1.0', '1.1-SNAPSHOT'],
        lastUpdated: '20261207003512',
        snapshotVersions: [],
      },
      plugins: [],
    });
  });

  it('when a SNAPSHOT document is read, then its build and its files per classifier are kept', () => {
    const read = parseMetadataXml(Buffer.from(VERSION_LEVEL));
    expect(read.version).toBe('1.1-SNAPSHOT');
    expect(read.versioning?.snapshot).toEqual({ timestamp: '20261207.003512', buildNumber: 2 });
    expect(read.versioning?.snapshotVersions).toEqual([
      { extension: 'jar', value: '1.1-20261207.003512-2', updated: '20261207003512' },
      { classifier: 'sources', extension: 'jar', value: '1.1-20261207.003512-2', updated: '20261207003512' },
    ]);
  });

  it('when a document is written and read back, then nothing is lost (one version is still a list)', () => {
    const model: MavenMetadata = {
      groupId: 'com.example',
      artifactId: 'a&b',
      versioning: { latest: '1.0', versions: ['1.0'], lastUpdated: '20260101000000', snapshotVersions: [] },
      plugins: [],
    };
    const xml = buildMetadataXml(model);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<metadata>')).toBe(true);
    expect(xml).toContain('<artifactId>a&amp;b</artifactId>');
    expect(parseMetadataXml(xml)).toEqual(model);
    expect(parseMetadataXml(buildMetadataXml(parseMetadataXml(VERSION_LEVEL)))).toEqual(
      parseMetadataXml(VERSION_LEVEL),
    );
  });

  it('when a SNAPSHOT document is written, then it declares model 1.1.0 and keeps the schema order', () => {
    const xml = buildMetadataXml(parseMetadataXml(VERSION_LEVEL));
    expect(xml).toContain('<metadata modelVersion="1.1.0">');
    expect(xml.indexOf('<snapshot>')).toBeLessThan(xml.indexOf('<lastUpdated>'));
    expect(xml.indexOf('<lastUpdated>')).toBeLessThan(xml.indexOf('<snapshotVersions>'));
  });

  it.each([
    ['unclosed elements', '<metadata><versioning>'],
    ['text that is not XML', 'not xml at all'],
    ['another root element', '<project><version>1</version></project>'],
    [
      'a DOCTYPE with entities',
      '<!DOCTYPE m [<!ENTITY a "aaaa">]><metadata><groupId>&a;</groupId></metadata>',
    ],
    ['mismatched tags', '<metadata><groupId>a</artifactId></metadata>'],
  ])('when an upload has %s, then it is refused as bad input', (_case, xml) => {
    expect(() => parseMetadataXml(xml)).toThrow(InvalidPackageInputError);
  });
});
