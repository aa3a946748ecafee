import { createHash } from 'node:crypto';
import { integrityOf, npmPublication, sha512FromIntegrity } from './publish-request';

const tarball = Buffer.from('a tarball');
const sha1 = createHash('sha1').update(tarball).digest('hex');
const sha512 = createHash('sha512').update(tarball).digest();

function document(overrides: Record<string, unknown> = {}, manifest: Record<string, unknown> = {}) {
  return {
    _id: '@team/pkg',
    name: '@team/pkg',
    'dist-tags': { latest: '1.0.0' },
    versions: {
      '1.0.0': {
        name: '@team/pkg',
        version: '1.0.0',
        dist: { shasum: sha1, integrity: `sha512-${sha512.toString('base64')}`, tarball: 'http://x/pkg.tgz' },
        ...manifest,
      },
    },
    _attachments: { '@team/pkg-1.0.0.tgz': { data: '', length: tarball.length } },
    ...overrides,
  };
}

describe('npmPublication', () => {
  it('when npm publishes one version, then its manifest, tags and checksums are read and the tarball link dropped', () => {
    const publication = npmPublication(document(), '@team/pkg', '@team/pkg-1.0.0.tgz');
    expect(publication).toMatchObject({
      name: '@team/pkg',
      version: '1.0.0',
      tags: ['latest'],
      sha1,
      sha512: sha512.toString('hex'),
      length: tarball.length,
    });
    expect((publication.manifest.dist as Record<string, unknown>).tarball).toBeUndefined();
  });

  it.each([
    ['another name than the URL', document({ name: '@team/other' })],
    ['no versions', document({ versions: undefined })],
    ['two versions', document({ versions: { '1.0.0': {}, '1.0.1': {} } })],
    [
      'a version that is not semver',
      document({ versions: { '1.0': { name: '@team/pkg', version: '1.0' } } }),
    ],
    ['a manifest of another version', document({}, { version: '2.0.0' })],
    ['a manifest of another package', document({}, { name: 'other' })],
    ['a tag naming another version', document({ 'dist-tags': { latest: '2.0.0' } })],
    ['a tag that is a range', document({ 'dist-tags': { '1.x': '1.0.0' } })],
    ['a malformed integrity', document({}, { dist: { integrity: 'sha512-nope' } })],
    ['a negative length', document({ _attachments: { '@team/pkg-1.0.0.tgz': { length: -1 } } })],
  ])('when the document has %s, then it is refused as 400', (_what, doc) => {
    expect(() => npmPublication(doc as Record<string, unknown>, '@team/pkg', '@team/pkg-1.0.0.tgz')).toThrow(
      expect.objectContaining({ status: 400 }) as Error,
    );
  });

  it('when integrity lists several hashes, then the sha512 one is used and others ignored', () => {
    const sri = `sha1-${createHash('sha1').update(tarball).digest('base64')} sha512-${sha512.toString('base64')}`;
    expect(sha512FromIntegrity(sri)).toBe(sha512.toString('hex'));
    expect(sha512FromIntegrity('sha1-abc=')).toBeUndefined();
    expect(integrityOf(sha512.toString('hex'))).toBe(`sha512-${sha512.toString('base64')}`);
  });
});
