import { parseV2Route } from './v2-routes';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseV2Route', () => {
  it.each([
    ['/_catalog', { kind: 'catalog' }],
    ['/g/p/tags/list', { kind: 'tags', name: 'g/p' }],
    ['/g/p/img/manifests/v1', { kind: 'manifest', name: 'g/p/img', reference: 'v1' }],
    [`/g/p/manifests/${DIGEST}`, { kind: 'manifest', name: 'g/p', reference: DIGEST }],
    ['/g/p/blobs/uploads/', { kind: 'uploads', name: 'g/p' }],
    ['/g/p/blobs/uploads', { kind: 'uploads', name: 'g/p' }],
    ['/g/p/blobs/uploads/abc', { kind: 'upload', name: 'g/p', uploadId: 'abc' }],
    [`/g/p/blobs/${DIGEST}`, { kind: 'blob', name: 'g/p', digest: DIGEST }],
    [`/g/p/referrers/${DIGEST}`, { kind: 'referrers', name: 'g/p', digest: DIGEST }],
    // A repository may itself be called "blobs" or "manifests": the end of the path decides.
    ['/g/blobs/manifests/latest', { kind: 'manifest', name: 'g/blobs', reference: 'latest' }],
    ['/g/p/tags/list/extra', null],
    ['/', null],
    ['/g/p/unknown/x', null],
  ])('%s', (path, expected) => {
    expect(parseV2Route(path)).toEqual(expected);
  });
});
