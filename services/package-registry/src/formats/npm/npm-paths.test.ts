import { parseNpmPath } from './npm-paths';

describe('parseNpmPath', () => {
  it.each([
    ['/pkg', { kind: 'package', name: 'pkg' }],
    ['/@scope%2fpkg', { kind: 'package', name: '@scope/pkg' }],
    ['/@scope%2Fpkg', { kind: 'package', name: '@scope/pkg' }],
    ['/@scope/pkg', { kind: 'package', name: '@scope/pkg' }],
    ['/pkg/-/pkg-1.0.0.tgz', { kind: 'tarball', name: 'pkg', fileName: 'pkg-1.0.0.tgz' }],
    ['/@scope/pkg/-/pkg-1.0.0.tgz', { kind: 'tarball', name: '@scope/pkg', fileName: 'pkg-1.0.0.tgz' }],
    ['/@scope%2fpkg/-/pkg-1.0.0.tgz', { kind: 'tarball', name: '@scope/pkg', fileName: 'pkg-1.0.0.tgz' }],
    [
      '/@scope/pkg/-/@scope/pkg-1.0.0.tgz',
      { kind: 'tarball', name: '@scope/pkg', fileName: 'pkg-1.0.0.tgz' },
    ],
    ['/-/package/pkg/dist-tags', { kind: 'dist-tags', name: 'pkg' }],
    ['/-/package/@scope%2fpkg/dist-tags', { kind: 'dist-tags', name: '@scope/pkg' }],
    ['/-/package/@scope%2fpkg/dist-tags/beta', { kind: 'dist-tag', name: '@scope/pkg', tag: 'beta' }],
  ])('when the path is %s, then it names %j', (path, expected) => {
    expect(parseNpmPath(path)).toEqual(expected);
  });

  it.each([
    '/',
    '/-/v1/search',
    '/-/npm/v1/security/advisories/bulk',
    '/pkg/extra',
    '/@scope',
    '/pkg/-/',
    '/-/package/pkg',
    '/-/package/pkg/dist-tags/a/b',
  ])('when the path is %s, then it names nothing', (path) => {
    expect(parseNpmPath(path)).toBeNull();
  });

  it('when a segment is not valid URL encoding, then it is refused as 400', () => {
    expect(() => parseNpmPath('/%E0%A4%A')).toThrow(expect.objectContaining({ status: 400 }) as Error);
  });
});
