/**
 * GitLab's page URLs, so the `web_url` and `_links.web_path` fields the API returns open the right
 * page. Project and group paths may nest (`group/subgroup/project`), which is why this matches
 * whole paths with patterns instead of declaring segment routes. `-` and `users`, `groups` are
 * reserved names, so these cannot clash with a namespace; `container_registry` is matched last
 * among project pages for the same reason GitLab does (a project may be named so).
 */
export type PageRoute =
  | { name: 'home' }
  | { name: 'signIn' }
  | { name: 'group'; group: string }
  | { name: 'groupRegistry'; group: string }
  | { name: 'groupPackages'; group: string }
  | { name: 'dependencyProxy'; group: string }
  | { name: 'project'; project: string }
  | { name: 'projectRegistry'; project: string }
  | { name: 'repository'; project: string; repositoryId: number }
  | { name: 'projectPackages'; project: string }
  | { name: 'package'; project: string; packageId: number }
  | { name: 'projectSettings'; project: string }
  | { name: 'notFound' };

const PATH = '([A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*)';

const PATTERNS: [RegExp, (match: string[]) => PageRoute][] = [
  [/^\/$/, () => ({ name: 'home' })],
  [/^\/users\/sign_in$/, () => ({ name: 'signIn' })],
  [
    new RegExp(`^/groups/${PATH}/-/container_registries$`),
    ([, group]) => ({ name: 'groupRegistry', group: group! }),
  ],
  [new RegExp(`^/groups/${PATH}/-/packages$`), ([, group]) => ({ name: 'groupPackages', group: group! })],
  [
    new RegExp(`^/groups/${PATH}/-/dependency_proxy$`),
    ([, group]) => ({ name: 'dependencyProxy', group: group! }),
  ],
  [new RegExp(`^/groups/${PATH}$`), ([, group]) => ({ name: 'group', group: group! })],
  [
    new RegExp(`^/${PATH}/-/settings/packages_and_registries$`),
    ([, project]) => ({ name: 'projectSettings', project: project! }),
  ],
  [
    new RegExp(`^/${PATH}/-/packages/(\\d+)$`),
    ([, project, id]) => ({ name: 'package', project: project!, packageId: Number(id) }),
  ],
  [new RegExp(`^/${PATH}/-/packages$`), ([, project]) => ({ name: 'projectPackages', project: project! })],
  [
    new RegExp(`^/${PATH}/container_registry/(\\d+)$`),
    ([, project, id]) => ({ name: 'repository', project: project!, repositoryId: Number(id) }),
  ],
  [
    new RegExp(`^/${PATH}/container_registry$`),
    ([, project]) => ({ name: 'projectRegistry', project: project! }),
  ],
  [new RegExp(`^/${PATH}$`), ([, project]) => ({ name: 'project', project: project! })],
];

export function routeOf(pathname: string): PageRoute {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  for (const [pattern, route] of PATTERNS) {
    const match = pattern.exec(path);
    if (match) return route([...match]);
  }
  return { name: 'notFound' };
}

/** The page URLs, for links. */
export const paths = {
  home: () => '/',
  signIn: (returnTo?: string) =>
    returnTo ? `/users/sign_in?return_to=${encodeURIComponent(returnTo)}` : '/users/sign_in',
  group: (group: string) => `/groups/${group}`,
  groupRegistry: (group: string) => `/groups/${group}/-/container_registries`,
  groupPackages: (group: string) => `/groups/${group}/-/packages`,
  dependencyProxy: (group: string) => `/groups/${group}/-/dependency_proxy`,
  project: (project: string) => `/${project}`,
  projectRegistry: (project: string) => `/${project}/container_registry`,
  repository: (project: string, id: number) => `/${project}/container_registry/${id}`,
  projectPackages: (project: string) => `/${project}/-/packages`,
  package: (project: string, id: number) => `/${project}/-/packages/${id}`,
  projectSettings: (project: string) => `/${project}/-/settings/packages_and_registries`,
};

/**
 * Where to go after signing in: only a path on this site, never another origin (`//host` or
 * `/\host` would leave it).
 */
export function safeReturnPath(value: string | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}
