import fc from 'fast-check';
import request from 'supertest';
import {
  fromNodeServer,
  isGitlabError,
  isMalformedUrl,
  pathOf,
  queryString,
  requestValues,
} from '../../../../libs/http/test/support/url-arbitraries';
import { ACCESS_LEVEL } from '../../src/domain/access-level';
import { openIdentityApp, type IdentityApp } from '../support/identity-app';
import {
  addMember,
  createGroup,
  createPersonalAccessToken,
  createProject,
  createUser,
} from '../support/identity-fixtures';

// Property tests: random, malformed and oversized values in every path and query parameter of
// auth-token's /api/v4 routes and of /jwt/auth, as an admin, a member and nobody. None may get
// a 5xx, and every error is in GitLab's format. fast-check prints the seed of a failure.

const RUNS = 200;

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface Route {
  methods: Method[];
  pattern: string;
  query: string[];
}

const GROUP_LIST = [
  'search',
  'owned',
  'min_access_level',
  'top_level_only',
  'order_by',
  'sort',
  'page',
  'per_page',
];
const PAGE = ['page', 'per_page'];

/** Every route under /api/v4 (services/auth-token/src/http/api/*.ts). */
const ROUTES: Route[] = [
  { methods: ['get', 'put'], pattern: '/application/settings', query: [] },
  { methods: ['get'], pattern: '/deploy_tokens', query: ['active', ...PAGE] },
  ...['projects', 'groups'].flatMap((kind): Route[] => [
    { methods: ['get', 'post'], pattern: `/${kind}/:id/deploy_tokens`, query: ['active', ...PAGE] },
    { methods: ['get', 'delete'], pattern: `/${kind}/:id/deploy_tokens/:token_id`, query: [] },
    { methods: ['get', 'post'], pattern: `/${kind}/:id/members`, query: ['query', ...PAGE] },
    { methods: ['get'], pattern: `/${kind}/:id/members/all`, query: ['query', ...PAGE] },
    { methods: ['get'], pattern: `/${kind}/:id/members/all/:user_id`, query: [] },
    { methods: ['get', 'put', 'delete'], pattern: `/${kind}/:id/members/:user_id`, query: [] },
  ]),
  { methods: ['get', 'post'], pattern: '/groups', query: GROUP_LIST },
  { methods: ['get', 'put', 'delete'], pattern: '/groups/:id', query: [] },
  { methods: ['get'], pattern: '/groups/:id/subgroups', query: GROUP_LIST },
  {
    methods: ['get'],
    pattern: '/groups/:id/projects',
    query: ['search', 'visibility', 'include_subgroups', 'order_by', 'sort', ...PAGE],
  },
  {
    methods: ['get', 'post'],
    pattern: '/projects',
    query: ['search', 'owned', 'membership', 'visibility', 'order_by', 'sort', ...PAGE],
  },
  { methods: ['post'], pattern: '/projects/user/:user_id', query: [] },
  { methods: ['get', 'put', 'delete'], pattern: '/projects/:id', query: [] },
  { methods: ['put'], pattern: '/projects/:id/transfer', query: [] },
  { methods: ['post'], pattern: '/projects/:id/job_tokens', query: [] },
  { methods: ['get', 'delete'], pattern: '/projects/:id/job_tokens/:token_id', query: [] },
  { methods: ['get', 'patch'], pattern: '/projects/:id/job_token_scope', query: [] },
  { methods: ['get', 'post'], pattern: '/projects/:id/job_token_scope/allowlist', query: PAGE },
  {
    methods: ['delete'],
    pattern: '/projects/:id/job_token_scope/allowlist/:target_project_id',
    query: [],
  },
  {
    methods: ['get'],
    pattern: '/personal_access_tokens',
    query: ['user_id', 'state', 'revoked', 'search', ...PAGE],
  },
  { methods: ['get', 'delete'], pattern: '/personal_access_tokens/:id', query: [] },
  { methods: ['post'], pattern: '/personal_access_tokens/:id/rotate', query: [] },
  { methods: ['get', 'delete'], pattern: '/personal_access_tokens/self', query: [] },
  { methods: ['post'], pattern: '/personal_access_tokens/self/rotate', query: [] },
  { methods: ['post'], pattern: '/user/personal_access_tokens', query: [] },
  { methods: ['post'], pattern: '/users/:user_id/personal_access_tokens', query: [] },
  { methods: ['get'], pattern: '/user', query: ['private_token'] },
  {
    methods: ['get', 'post'],
    pattern: '/users',
    query: ['username', 'search', 'active', 'blocked', ...PAGE],
  },
  { methods: ['get', 'put'], pattern: '/users/:id', query: [] },
  { methods: ['post'], pattern: '/users/:id/block', query: [] },
  { methods: ['post'], pattern: '/users/:id/unblock', query: [] },
];

describe('auth-token: bad input never gets a 5xx', () => {
  let identity: IdentityApp;
  let adminName: string;
  let tokens: { admin: string; member: string };
  let existing: string[];

  beforeAll(async () => {
    identity = await openIdentityApp();
    const { prisma } = identity;
    const admin = await createUser(prisma, { admin: true });
    const member = await createUser(prisma);
    const group = await createGroup(prisma, { path: 'fuzz', visibility: 'private' });
    const project = await createProject(prisma, { namespace: group, path: 'app' });
    await addMember(prisma, member, { project }, ACCESS_LEVEL.maintainer);
    adminName = admin.username;
    tokens = {
      admin: (await createPersonalAccessToken(prisma, admin, ['api'])).token,
      member: (await createPersonalAccessToken(prisma, member, ['api'])).token,
    };
    existing = [
      String(project.id),
      String(group.id),
      String(member.id),
      'fuzz',
      encodeURIComponent('fuzz/app'),
    ];
  }, 120_000);

  afterAll(() => identity?.close());

  it('when any /api/v4 route gets hostile path and query values, then it answers below 500 in GitLab format', async () => {
    const call = fc.tuple(fc.constantFrom(...ROUTES), requestValues).chain(([route, value]) =>
      fc.record({
        method: fc.constantFrom(...route.methods),
        // Often a value that exists, to get past the lookups to the handlers' own parsing.
        path: pathOf(route.pattern, fc.oneof({ weight: 3, arbitrary: value }, fc.constantFrom(...existing))),
        query: queryString(route.query, value),
        token: fc.constantFrom(undefined, 'garbage', tokens.member, tokens.admin, tokens.admin),
      }),
    );
    await fc.assert(
      fc.asyncProperty(call, async ({ method, path, query, token }) => {
        const url = `/api/v4${path}${query ? `?${query}` : ''}`;
        let req = request(identity.app)[method](url);
        if (token) req = req.set('Private-Token', token);
        if (method !== 'get' && method !== 'delete') req = req.send({});
        const res = await req;
        expect(res.status).toBeLessThan(500);
        if (isMalformedUrl(url)) expect(res.status).toBe(400);
        if (res.status >= 400 && !fromNodeServer(res.status)) expect(isGitlabError(res.body)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('when /jwt/auth gets hostile service, scope and account values, then it answers below 500', async () => {
    const call = requestValues.chain((value) =>
      fc.record({
        query: queryString(['service', 'scope', 'account', 'client_id', 'offline_token'], value),
        service: fc.constantFrom('', 'service=container_registry&', 'service=dependency_proxy&'),
        scope: fc.oneof(
          fc.constant(''),
          fc
            .tuple(
              fc.constantFrom('repository', 'registry', 'group', '%ZZ'),
              value,
              fc.constantFrom('pull', 'push,pull', '*', ''),
            )
            .map(([type, name, actions]) => `scope=${type}:${name}:${actions}&`),
        ),
        signedIn: fc.boolean(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(call, async ({ query, service, scope, signedIn }) => {
        const url = `/jwt/auth?${service}${scope}${query}`;
        let req = request(identity.app).get(url);
        if (signedIn) req = req.auth(adminName, tokens.admin);
        const res = await req;
        expect(res.status).toBeLessThan(500);
        if (isMalformedUrl(url)) expect(res.status).toBe(400);
        if (res.status >= 400 && !fromNodeServer(res.status)) {
          // Docker clients read the token endpoint's own refusals in the registry's format.
          expect(isGitlabError(res.body) || Array.isArray(res.body.errors)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});
