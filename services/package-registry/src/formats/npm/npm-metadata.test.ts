import { createHash } from 'node:crypto';
import {
  abbreviatedPackument,
  fullPackument,
  tarballUrl,
  wantsAbbreviated,
  type NpmVersionRecord,
} from './npm-metadata';

const BASE = 'http://stowage.test/api/v4/groups/7/-/packages/npm';

function record(version: string, manifest: Record<string, unknown> = {}, day = 1): NpmVersionRecord {
  const bytes = Buffer.from(`tarball ${version}`);
  return {
    version,
    manifest: { name: '@team/pkg', version, ...manifest },
    file: {
      fileName: `pkg-${version}.tgz`,
      sha1: createHash('sha1').update(bytes).digest('hex'),
      sha512: createHash('sha512').update(bytes).digest('hex'),
    },
    createdAt: new Date(Date.UTC(2026, 0, day)),
  };
}

describe('npm package documents', () => {
  const records = [
    record(
      '1.10.0',
      { dependencies: { a: '^1' }, scripts: { postinstall: 'node x' }, readme: 'long', deprecated: 'old' },
      3,
    ),
    record('1.2.0', { dist: { shasum: 'stale', tarball: 'http://elsewhere/x.tgz', fileCount: 3 } }, 2),
  ];
  const tags = { latest: '1.10.0', beta: '1.2.0', gone: '0.1.0' };

  it('when the full document is built, then versions are in semver order, dist comes from the stored file and tags of unserved versions are left out', () => {
    const doc = fullPackument('@team/pkg', records, tags, BASE) as {
      versions: Record<string, { dist: Record<string, unknown>; readme?: string; deprecated?: string }>;
      'dist-tags': Record<string, string>;
      time: Record<string, string>;
    };
    expect(Object.keys(doc.versions)).toEqual(['1.2.0', '1.10.0']);
    expect(doc['dist-tags']).toEqual({ latest: '1.10.0', beta: '1.2.0' });
    const dist = doc.versions['1.2.0']!.dist;
    expect(dist.tarball).toBe(`${BASE}/@team/pkg/-/pkg-1.2.0.tgz`);
    expect(dist.shasum).toBe(records[1]!.file.sha1);
    expect(dist.fileCount).toBe(3);
    expect(dist.integrity).toBe(`sha512-${createHash('sha512').update('tarball 1.2.0').digest('base64')}`);
    expect(doc.versions['1.10.0']!.readme).toBe('long');
    expect(doc.time.created).toBe('2026-01-02T00:00:00.000Z');
    expect(doc.time.modified).toBe('2026-01-03T00:00:00.000Z');
  });

  it('when the abbreviated document is built, then it keeps only what installing needs and flags install scripts', () => {
    const doc = abbreviatedPackument('@team/pkg', records, tags, BASE) as {
      versions: Record<string, Record<string, unknown>>;
      modified: string;
    };
    const newest = doc.versions['1.10.0']!;
    expect(newest.readme).toBeUndefined();
    expect(newest.scripts).toBeUndefined();
    expect(newest.hasInstallScript).toBe(true);
    expect(newest.deprecated).toBe('old');
    expect(newest.dependencies).toEqual({ a: '^1' });
    expect(doc.versions['1.2.0']!.hasInstallScript).toBeUndefined();
    expect(doc.modified).toBe('2026-01-03T00:00:00.000Z');
  });

  it('when a tarball file name has characters URLs reserve, then its link escapes them', () => {
    expect(tarballUrl(BASE, 'pkg', 'pkg-1.0.0+x.tgz')).toBe(`${BASE}/pkg/-/pkg-1.0.0%2Bx.tgz`);
  });

  it.each([
    ['application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*', true],
    ['application/vnd.npm.install-v1+json', true],
    ['application/json', false],
    ['*/*', false],
    [undefined, false],
    ['application/vnd.npm.install-v1+json; q=0, application/json', false],
  ])('when Accept is %p, then abbreviated is %p', (accept, expected) => {
    expect(wantsAbbreviated(accept)).toBe(expected);
  });
});
