import { scopeOfRequest } from './v2-api';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('scopeOfRequest (the scopes a challenge names)', () => {
  it('when a mount names a source repository, then the challenge asks for push here and pull there, space-separated', () => {
    expect(scopeOfRequest('/g/p/blobs/uploads/', 'POST', { mount: DIGEST, from: 'g/q/base' })).toBe(
      'repository:g/p:pull,push repository:g/q/base:pull',
    );
  });

  it.each([
    ['no source is named', { mount: DIGEST }],
    ['the source is the repository itself', { mount: DIGEST, from: 'g/p' }],
    ['the source is outside the name grammar', { mount: DIGEST, from: 'G/"Q"' }],
    ['the source is given twice', { mount: DIGEST, from: ['g/q', 'g/r'] }],
    ['no digest is to be mounted', { from: 'g/q' }],
  ])('when %s, then it asks for push on the repository only', (_case, query) => {
    expect(scopeOfRequest('/g/p/blobs/uploads/', 'POST', query)).toBe('repository:g/p:pull,push');
  });

  it('when another request carries mount and from, then they change nothing', () => {
    expect(scopeOfRequest(`/g/p/blobs/${DIGEST}`, 'GET', { mount: DIGEST, from: 'g/q' })).toBe(
      'repository:g/p:pull',
    );
  });

  it('when the catalog or an unknown path is asked, then it names the catalog or nothing', () => {
    expect(scopeOfRequest('/_catalog', 'GET', {})).toBe('registry:catalog:*');
    expect(scopeOfRequest('/g/p/unknown/x', 'GET', {})).toBeUndefined();
  });
});
