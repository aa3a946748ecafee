import type { Project, User } from '../src/generated/prisma/client';
import { ACCESS_LEVEL } from '../src/domain/access-level';
import { openIdentityApp, type IdentityApp } from './support/identity-app';
import {
  addMember,
  createDeployToken,
  createGroup,
  createJobToken,
  createPersonalAccessToken,
  createProject,
  createUser,
} from './support/identity-fixtures';
import { serveTokenService, type BasicLogin, type TokenService } from './support/registry-tokens';

/**
 * The container registry policy, asked for the way docker asks: `GET /jwt/auth` with real
 * credentials and `scope=repository:<project path>:pull,push,delete`; the token is verified
 * against the app's JWKS and its `access` claim compared in full.
 */

type Visibility = 'public' | 'internal' | 'private';
type Action = 'pull' | 'push' | 'delete';
const VISIBILITIES: Visibility[] = ['public', 'internal', 'private'];

const NONE: Action[] = [];
const PULL: Action[] = ['pull'];
const PULL_PUSH: Action[] = ['pull', 'push'];
const ALL: Action[] = ['pull', 'push', 'delete'];

type Principal =
  | 'anonymous'
  | 'signed-in non-member'
  | 'Guest'
  | 'Reporter'
  | 'Developer'
  | 'Maintainer'
  | 'PAT read_registry of a Maintainer'
  | 'PAT write_registry of a Maintainer'
  | "project's deploy token read_registry"
  | "project's deploy token read_registry+write_registry"
  | 'job token of a Developer';

/** What each principal gets when it asks for pull,push,delete on a project of each visibility. */
// prettier-ignore
const POLICY: [Principal, Action[], Action[], Action[]][] = [
  // principal                                              public      internal    private
  ['anonymous',                                             PULL,       NONE,       NONE],
  ['signed-in non-member',                                  PULL,       PULL,       NONE],
  ['Guest',                                                 PULL,       PULL,       NONE],
  ['Reporter',                                              PULL,       PULL,       PULL],
  ['Developer',                                             PULL_PUSH,  PULL_PUSH,  PULL_PUSH],
  ['Maintainer',                                            ALL,        ALL,        ALL],
  ['PAT read_registry of a Maintainer',                     PULL,       PULL,       PULL],
  ['PAT write_registry of a Maintainer',                    PULL_PUSH,  PULL_PUSH,  PULL_PUSH],
  ["project's deploy token read_registry",                  PULL,       PULL,       PULL],
  ["project's deploy token read_registry+write_registry",   PULL_PUSH,  PULL_PUSH,  PULL_PUSH],
  ['job token of a Developer',                              PULL_PUSH,  PULL_PUSH,  PULL_PUSH],
];

const PASSWORD = 'registry-table-password';
const ci = (token: string): BasicLogin => ({ username: 'gitlab-ci-token', password: token });
const withPassword = (user: User): BasicLogin => ({ username: user.username, password: PASSWORD });

function expectedAccess(project: Project, actions: string[], name = project.fullPath.toLowerCase()) {
  return actions.length === 0
    ? []
    : [
        {
          type: 'repository',
          name,
          actions,
          meta: { project_id: project.id, project_path: project.fullPath },
        },
      ];
}

describe('container registry decisions through /jwt/auth', () => {
  let identity: IdentityApp;
  let tokens: TokenService;
  const projects = {} as Record<Visibility, Project>;
  const logins = {} as Record<Principal, (visibility: Visibility) => BasicLogin | null>;
  let users: Record<'nonMember' | 'guest' | 'reporter' | 'developer' | 'maintainer', User>;

  beforeAll(async () => {
    identity = await openIdentityApp();
    tokens = await serveTokenService(identity.app);
    const { prisma } = identity;
    const group = await createGroup(prisma, { visibility: 'public' });
    const make = () => createUser(prisma, { password: PASSWORD });
    users = {
      nonMember: await make(),
      guest: await make(),
      reporter: await make(),
      developer: await make(),
      maintainer: await make(),
    };
    const ciUser = await createUser(prisma);
    const deployRead = {} as Record<Visibility, BasicLogin>;
    const deployWrite = {} as Record<Visibility, BasicLogin>;
    const jobs = {} as Record<Visibility, BasicLogin>;
    for (const visibility of VISIBILITIES) {
      const project = await createProject(prisma, { namespace: group, visibility });
      projects[visibility] = project;
      await addMember(prisma, users.guest, { project }, ACCESS_LEVEL.guest);
      await addMember(prisma, users.reporter, { project }, ACCESS_LEVEL.reporter);
      await addMember(prisma, users.developer, { project }, ACCESS_LEVEL.developer);
      await addMember(prisma, users.maintainer, { project }, ACCESS_LEVEL.maintainer);
      await addMember(prisma, ciUser, { project }, ACCESS_LEVEL.developer);
      const read = await createDeployToken(prisma, { project }, ['read_registry']);
      const write = await createDeployToken(prisma, { project }, ['read_registry', 'write_registry']);
      deployRead[visibility] = { username: read.username, password: read.token };
      deployWrite[visibility] = { username: write.username, password: write.token };
      jobs[visibility] = ci((await createJobToken(prisma, project, ciUser)).token);
    }
    const patRead = await createPersonalAccessToken(prisma, users.maintainer, ['read_registry']);
    const patWrite = await createPersonalAccessToken(prisma, users.maintainer, ['write_registry']);
    Object.assign(logins, {
      anonymous: () => null,
      'signed-in non-member': () => withPassword(users.nonMember),
      Guest: () => withPassword(users.guest),
      Reporter: () => withPassword(users.reporter),
      Developer: () => withPassword(users.developer),
      Maintainer: () => withPassword(users.maintainer),
      'PAT read_registry of a Maintainer': () => ({
        username: users.maintainer.username,
        password: patRead.token,
      }),
      'PAT write_registry of a Maintainer': () => ({
        username: users.maintainer.username,
        password: patWrite.token,
      }),
      "project's deploy token read_registry": (visibility: Visibility) => deployRead[visibility],
      "project's deploy token read_registry+write_registry": (visibility: Visibility) =>
        deployWrite[visibility],
      'job token of a Developer': (visibility: Visibility) => jobs[visibility],
    } satisfies Record<Principal, (visibility: Visibility) => BasicLogin | null>);
  });
  afterAll(async () => {
    await tokens.close();
    await identity.close();
  });

  const cases = POLICY.flatMap(([principal, ...byVisibility]) =>
    VISIBILITIES.map((visibility, index) => [principal, visibility, byVisibility[index]!] as const),
  );

  it.each(cases)(
    'when %s asks for pull,push,delete on a %s project, then the token grants %j',
    async (principal, visibility, expected) => {
      const project = projects[visibility];
      const access = await tokens.access(
        [`repository:${project.fullPath}:pull,push,delete`],
        logins[principal](visibility),
      );
      expect(access).toEqual(expectedAccess(project, expected));
    },
  );

  describe('beyond the table', () => {
    it("when a project's registry is disabled, then nobody gets anything, admins and its deploy tokens included", async () => {
      const { prisma } = identity;
      const project = await createProject(prisma, {
        namespace: await createGroup(prisma, { visibility: 'public' }),
        visibility: 'public',
        containerRegistryAccessLevel: 'disabled',
      });
      await addMember(prisma, users.maintainer, { project }, ACCESS_LEVEL.maintainer);
      const admin = await createUser(prisma, { admin: true, password: PASSWORD });
      const deploy = await createDeployToken(prisma, { project }, ['read_registry', 'write_registry']);
      const scope = [`repository:${project.fullPath}:pull,push,delete`];
      for (const login of [
        null,
        withPassword(users.maintainer),
        withPassword(admin),
        { username: deploy.username, password: deploy.token },
      ]) {
        expect(await tokens.access(scope, login)).toEqual([]);
      }
    });

    it("when a public project's registry is private, then only Reporters and above pull", async () => {
      const { prisma } = identity;
      const project = await createProject(prisma, {
        namespace: await createGroup(prisma, { visibility: 'public' }),
        visibility: 'public',
        containerRegistryAccessLevel: 'private',
      });
      await addMember(prisma, users.guest, { project }, ACCESS_LEVEL.guest);
      await addMember(prisma, users.reporter, { project }, ACCESS_LEVEL.reporter);
      await addMember(prisma, users.developer, { project }, ACCESS_LEVEL.developer);
      const scope = [`repository:${project.fullPath}:pull,push,delete`];
      expect(await tokens.access(scope, null)).toEqual([]);
      expect(await tokens.access(scope, withPassword(users.nonMember))).toEqual([]);
      expect(await tokens.access(scope, withPassword(users.guest))).toEqual([]);
      expect(await tokens.access(scope, withPassword(users.reporter))).toEqual(expectedAccess(project, PULL));
      expect(await tokens.access(scope, withPassword(users.developer))).toEqual(
        expectedAccess(project, PULL_PUSH),
      );
    });

    it('when an admin asks, then it gets everything on any project and registry:catalog:*; others never get the catalog', async () => {
      const { prisma } = identity;
      const admin = await createUser(prisma, { admin: true, password: PASSWORD });
      const adminApi = await createPersonalAccessToken(prisma, admin, ['api']);
      const adminReadRegistry = await createPersonalAccessToken(prisma, admin, ['read_registry']);
      const adminWriteRegistry = await createPersonalAccessToken(prisma, admin, ['write_registry']);
      const catalog = [{ type: 'registry', name: 'catalog', actions: ['*'] }];
      const project = projects.private;
      const scopes = [`repository:${project.fullPath}:pull,push,delete`, 'registry:catalog:*'];

      expect(await tokens.access(scopes, withPassword(admin))).toEqual([
        ...expectedAccess(project, ALL),
        ...catalog,
      ]);
      expect(
        await tokens.access(['registry:catalog:*'], { username: 'x', password: adminApi.token }),
      ).toEqual(catalog);
      expect(
        await tokens.access(['registry:catalog:*'], { username: 'x', password: adminReadRegistry.token }),
      ).toEqual(catalog);
      expect(
        await tokens.access(['registry:catalog:*'], { username: 'x', password: adminWriteRegistry.token }),
      ).toEqual([]);
      expect(await tokens.access(['registry:catalog:*'], withPassword(users.maintainer))).toEqual([]);
      expect(await tokens.access(['registry:catalog:*'], null)).toEqual([]);
    });

    it('when a blocked user, a revoked PAT or an expired deploy token signs in, then the answer is 401', async () => {
      const { prisma } = identity;
      const blocked = await createUser(prisma, { password: PASSWORD, state: 'blocked' });
      await addMember(prisma, blocked, { project: projects.private }, ACCESS_LEVEL.maintainer);
      const blockedPat = await createPersonalAccessToken(prisma, blocked, ['api']);
      const revoked = await createPersonalAccessToken(prisma, users.maintainer, ['api'], { revoked: true });
      const expired = await createDeployToken(prisma, { project: projects.private }, ['read_registry'], {
        expiresAt: new Date(Date.now() - 1000),
      });
      const scope = [`repository:${projects.private.fullPath}:pull`];
      for (const login of [
        withPassword(blocked),
        { username: blocked.username, password: blockedPat.token },
        { username: users.maintainer.username, password: revoked.token },
        { username: expired.username, password: expired.token },
      ]) {
        const answer = await tokens.requestToken({ scopes: scope, login });
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: expect.any(String) }] });
      }
    });

    it('when a job token asks for another project, then it pulls only where that project allows its project, as its user could', async () => {
      const { prisma } = identity;
      const group = await createGroup(prisma, { visibility: 'private' });
      const ciUser = await createUser(prisma);
      const own = await createProject(prisma, { namespace: group });
      const allowing = await createProject(prisma, { namespace: group });
      const notAllowing = await createProject(prisma, { namespace: group });
      const unscoped = await createProject(prisma, { namespace: group });
      const allowingButUserOutside = await createProject(prisma, { namespace: await createGroup(prisma) });
      await prisma.project.update({ where: { id: unscoped.id }, data: { jobTokenScopeEnabled: false } });
      await addMember(prisma, ciUser, { group }, ACCESS_LEVEL.maintainer);
      for (const target of [allowing, allowingButUserOutside]) {
        await prisma.jobTokenScopeLink.create({
          data: { sourceProjectId: own.id, targetProjectId: target.id },
        });
      }
      const job = ci((await createJobToken(prisma, own, ciUser)).token);
      const ask = (project: Project) =>
        tokens.access([`repository:${project.fullPath}:pull,push,delete`], job);

      expect(await ask(own)).toEqual(expectedAccess(own, ALL));
      expect(await ask(allowing)).toEqual(expectedAccess(allowing, PULL));
      expect(await ask(unscoped)).toEqual(expectedAccess(unscoped, PULL));
      expect(await ask(notAllowing)).toEqual([]);
      expect(await ask(allowingButUserOutside)).toEqual([]);
    });

    it('when `*` is asked for, then it is granted only to those who have pull, push and delete', async () => {
      const project = projects.private;
      const star = [`repository:${project.fullPath}:*`];
      expect(await tokens.access(star, withPassword(users.maintainer))).toEqual(
        expectedAccess(project, ['*']),
      );
      expect(await tokens.access(star, withPassword(users.developer))).toEqual([]);
      expect(
        await tokens.access([`repository:${project.fullPath}:pull,*`], withPassword(users.developer)),
      ).toEqual(expectedAccess(project, PULL));
    });

    it('when several scopes come in one request, repeated or space-separated, then each is answered in order', async () => {
      const { public: open, internal, private: closed } = projects;
      const access = await tokens.access(
        [
          `repository:${closed.fullPath}:pull,push`,
          `repository:${open.fullPath}:pull repository:${internal.fullPath}:push,pull`,
          'repository:no/such/project:pull',
        ],
        withPassword(users.reporter),
      );
      expect(access).toEqual([
        ...expectedAccess(closed, PULL),
        ...expectedAccess(open, PULL),
        ...expectedAccess(internal, PULL),
      ]);
    });

    it('when a name lies up to three levels below the project, then it belongs to the project; four levels are refused', async () => {
      const project = projects.private;
      const maintainer = withPassword(users.maintainer);
      const three = `${project.fullPath}/a/b/c`;
      const four = `${project.fullPath}/a/b/c/d`;
      expect(await tokens.access([`repository:${three}:pull`], maintainer)).toEqual(
        expectedAccess(project, PULL, three),
      );
      expect(await tokens.access([`repository:${four}:pull`], maintainer)).toEqual([]);
    });

    it('when the path is asked in another case than it was created, then it still matches and the name comes back lower-cased', async () => {
      const { prisma } = identity;
      const group = await createGroup(prisma, { path: `Mixed${Date.now()}`, visibility: 'public' });
      const project = await createProject(prisma, {
        namespace: group,
        path: 'CaseApp',
        visibility: 'private',
      });
      await addMember(prisma, users.reporter, { project }, ACCESS_LEVEL.reporter);
      const lower = project.fullPath.toLowerCase();
      for (const asked of [lower, project.fullPath, project.fullPath.toUpperCase()]) {
        expect(await tokens.access([`repository:${asked}:pull`], withPassword(users.reporter))).toEqual(
          expectedAccess(project, PULL, lower),
        );
      }
    });

    it('when a group deploy token asks, then it works on projects below its group, elsewhere only as anonymous', async () => {
      const { prisma } = identity;
      const top = await createGroup(prisma);
      const inside = await createProject(prisma, { namespace: await createGroup(prisma, { parent: top }) });
      const outside = await createProject(prisma, { namespace: await createGroup(prisma) });
      const deploy = await createDeployToken(prisma, { group: top }, ['read_registry', 'write_registry']);
      const login = { username: deploy.username, password: deploy.token };
      const ask = (project: Project) =>
        tokens.access([`repository:${project.fullPath}:pull,push,delete`], login);
      expect(await ask(inside)).toEqual(expectedAccess(inside, PULL_PUSH));
      expect(await ask(outside)).toEqual([]);
      // Signing in never takes away what anonymous clients have: public images stay pullable.
      expect(await ask(projects.public)).toEqual(expectedAccess(projects.public, PULL));
    });

    it('when a token carries other scopes, then api grants all its user may, read_api pulls, read_user nothing, write_registry alone pushes', async () => {
      const { prisma } = identity;
      const project = projects.private;
      const scope = [`repository:${project.fullPath}:pull,push,delete`];
      const pat = async (scopes: Parameters<typeof createPersonalAccessToken>[2]) => ({
        username: users.maintainer.username,
        password: (await createPersonalAccessToken(prisma, users.maintainer, scopes)).token,
      });
      expect(await tokens.access(scope, await pat(['api']))).toEqual(expectedAccess(project, ALL));
      expect(await tokens.access(scope, await pat(['read_api']))).toEqual(expectedAccess(project, PULL));
      expect(await tokens.access(scope, await pat(['read_user']))).toEqual([]);
      const writeOnly = await createDeployToken(prisma, { project }, ['write_registry']);
      expect(await tokens.access(scope, { username: writeOnly.username, password: writeOnly.token })).toEqual(
        expectedAccess(project, ['push']),
      );
    });
  });
});
