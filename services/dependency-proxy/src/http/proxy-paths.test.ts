import { parseProxyPath } from './proxy-paths';

describe('parseProxyPath', () => {
  it('when a nested group pulls a multi-segment image by tag, then group, image, name and reference are split', () => {
    expect(parseProxyPath('/org/team/dependency_proxy/containers/library/alpine/manifests/3.19')).toEqual({
      groupPath: 'org/team',
      image: 'library/alpine',
      name: 'org/team/dependency_proxy/containers/library/alpine',
      kind: 'manifests',
      reference: '3.19',
    });
  });

  it('when a blob is asked for, then its digest is the reference', () => {
    const route = parseProxyPath('/g/dependency_proxy/containers/app/blobs/sha256:abc');
    expect([route?.kind, route?.image, route?.reference]).toEqual(['blobs', 'app', 'sha256:abc']);
  });

  it('when the tags of an image are listed, then the route says so', () => {
    const route = parseProxyPath('/g/dependency_proxy/containers/team/app/tags/list');
    expect([route?.kind, route?.image]).toEqual(['tags', 'team/app']);
  });

  it.each([
    ['no group', '/dependency_proxy/containers/app/manifests/1'],
    ['no image', '/g/dependency_proxy/containers/manifests/1'],
    ['an upper-case image', '/g/dependency_proxy/containers/App/manifests/1'],
    ['a dot-dot group segment', '/g/../dependency_proxy/containers/app/manifests/1'],
    ['an image with a dot-dot segment', '/g/dependency_proxy/containers/a/../b/manifests/1'],
    ['another resource', '/g/dependency_proxy/containers/app/referrers/sha256:abc'],
  ])('when the path has %s, then it is not a proxy path', (_case, path) => {
    expect(parseProxyPath(path)).toBeNull();
  });
});
