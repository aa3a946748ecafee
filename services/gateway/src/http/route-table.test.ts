import { resolveUpstream } from './route-table';

describe('resolveUpstream', () => {
  it.each([
    ['/v2/', 'registry'],
    ['/v2', 'registry'],
    ['/v2/_catalog', 'registry'],
    ['/v2/group/project/image/manifests/latest', 'registry'],
    ['/v2/group/sub/dependency_proxy/containers/alpine/manifests/3.19', 'dependency-proxy'],
    ['/v2/group/dependency_proxy/containers/library/alpine/blobs/sha256:abc', 'dependency-proxy'],
    ['/jwt/auth', 'auth-token'],
    ['/-/jwks', 'auth-token'],
    ['/users/sign_in', 'auth-token'],
    ['/users/sign_out', 'auth-token'],
    ['/api/v4/projects/group%2Fproject/registry/repositories', 'registry'],
    ['/api/v4/groups/7/registry/repositories', 'registry'],
    ['/api/v4/registry/repositories/12', 'registry'],
    ['/api/v4/projects/7/registry/cleanup_policy/preview', 'registry'],
    ['/api/v4/projects/7/registry/cleanup_policy/run', 'registry'],
    ['/api/v4/groups/7/dependency_proxy/cache', 'dependency-proxy'],
    ['/api/v4/projects/3/packages/npm/@scope/pkg', 'package-registry'],
    ['/api/v4/projects/3/packages', 'package-registry'],
    ['/api/v4/groups/7/-/packages/maven/com/acme/x/1.0/x-1.0.jar', 'package-registry'],
    ['/api/v4/packages/npm/@scope/pkg', 'package-registry'],
    ['/api/v4/projects/3/debian_distributions', 'package-registry'],
    ['/api/v4/projects/3', 'auth-token'],
    ['/api/v4/users', 'auth-token'],
    ['/api/v4/personal_access_tokens', 'auth-token'],
    ['/api/v4/projects/3/deploy_tokens', 'auth-token'],
  ])('when the path is %s, then it goes to %s', (path, upstream) => {
    expect(resolveUpstream(path)).toBe(upstream);
  });

  it.each([
    '/',
    '/v20/',
    '/api/v3/projects',
    '/jwt/auth/extra',
    '/-/health-x',
    '/users',
    '/users/sign_up',
    '/users/sign_in/x',
  ])('when the path is %s, then no upstream claims it', (path) => {
    expect(resolveUpstream(path)).toBeUndefined();
  });
});
