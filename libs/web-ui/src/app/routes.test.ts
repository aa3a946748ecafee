import { paths, routeOf, safeReturnPath } from './routes';

describe('web UI routes', () => {
  it.each([
    ['/', { name: 'home' }],
    ['/users/sign_in', { name: 'signIn' }],
    ['/groups/team', { name: 'group', group: 'team' }],
    ['/groups/team/sub/-/container_registries', { name: 'groupRegistry', group: 'team/sub' }],
    ['/groups/team/-/packages', { name: 'groupPackages', group: 'team' }],
    ['/groups/team/-/dependency_proxy', { name: 'dependencyProxy', group: 'team' }],
    ['/team/app', { name: 'project', project: 'team/app' }],
    ['/team/sub/app/container_registry', { name: 'projectRegistry', project: 'team/sub/app' }],
    ['/team/app/container_registry/42', { name: 'repository', project: 'team/app', repositoryId: 42 }],
    ['/team/app/-/packages', { name: 'projectPackages', project: 'team/app' }],
    ['/team/app/-/packages/7', { name: 'package', project: 'team/app', packageId: 7 }],
    ['/team/app/-/settings/packages_and_registries', { name: 'projectSettings', project: 'team/app' }],
    ['/team/app/container_registry/', { name: 'projectRegistry', project: 'team/app' }],
  ])('when the URL is %s, then the page is %j', (pathname, route) => {
    expect(routeOf(pathname)).toEqual(route);
  });

  it.each(['/team/app/-/unknown', '/-/ui', '/team/../app', '/groups/team/-/nothing'])(
    'when the URL is %s, then no page matches',
    (pathname) => {
      expect(routeOf(pathname)).toEqual({ name: 'notFound' });
    },
  );

  it('when a link is built for a page, then the page is found again from it', () => {
    expect(routeOf(paths.repository('team/app', 3))).toEqual({
      name: 'repository',
      project: 'team/app',
      repositoryId: 3,
    });
    expect(routeOf(paths.dependencyProxy('team/sub'))).toEqual({
      name: 'dependencyProxy',
      group: 'team/sub',
    });
  });

  it.each([
    [null, '/'],
    ['/team/app/container_registry?sort=name_asc', '/team/app/container_registry?sort=name_asc'],
    ['//attacker.example/path', '/'],
    ['/\\attacker.example', '/'],
    ['https://attacker.example/', '/'],
    ['javascript:alert(1)', '/'],
  ])('when sign-in returns to %s, then it goes to %s', (value, expected) => {
    expect(safeReturnPath(value)).toBe(expected);
  });
});
