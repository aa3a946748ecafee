/** The services the gateway forwards to. */
export type UpstreamName = 'auth-token' | 'registry' | 'dependency-proxy' | 'package-registry';

export interface Route {
  upstream: UpstreamName;
  /** Matched against the request path (no query string). */
  pattern: RegExp;
}

/**
 * Where each public path goes, first match wins. The shapes follow GitLab's URL space so
 * clients and scripts written for GitLab reach the right service unchanged.
 */
export const ROUTES: Route[] = [
  // docker pull <host>/<group>/dependency_proxy/containers/<image>:<tag>
  { upstream: 'dependency-proxy', pattern: /^\/v2\/.+\/dependency_proxy\/containers\// },
  { upstream: 'registry', pattern: /^\/v2(\/|$)/ },
  { upstream: 'auth-token', pattern: /^\/jwt\/auth$/ },
  { upstream: 'auth-token', pattern: /^\/-\/jwks$/ },
  // Browser sign-in and sign-out (ADR 0013); the page at GET /users/sign_in is the web UI's.
  { upstream: 'auth-token', pattern: /^\/users\/sign_(in|out)$/ },
  // GitLab registry API: project and group repository lists, tags, and the instance-level lookup.
  { upstream: 'registry', pattern: /^\/api\/v4\/(projects|groups)\/[^/]+\/registry(\/|$)/ },
  { upstream: 'registry', pattern: /^\/api\/v4\/registry\/repositories(\/|$)/ },
  { upstream: 'dependency-proxy', pattern: /^\/api\/v4\/groups\/[^/]+\/dependency_proxy(\/|$)/ },
  // Package formats live under project, group (`/-/packages`) and instance-level paths.
  { upstream: 'package-registry', pattern: /^\/api\/v4\/(projects|groups)\/[^/]+\/(-\/)?packages(\/|$)/ },
  { upstream: 'package-registry', pattern: /^\/api\/v4\/projects\/[^/]+\/debian_distributions(\/|$)/ },
  { upstream: 'package-registry', pattern: /^\/api\/v4\/groups\/[^/]+\/-\/debian_distributions(\/|$)/ },
  { upstream: 'package-registry', pattern: /^\/api\/v4\/packages(\/|$)/ },
  // Everything else in the v4 API is identity: users, groups, projects, members, tokens.
  { upstream: 'auth-token', pattern: /^\/api\/v4(\/|$)/ },
];

export function resolveUpstream(path: string, routes: Route[] = ROUTES): UpstreamName | undefined {
  return routes.find((route) => route.pattern.test(path))?.upstream;
}
