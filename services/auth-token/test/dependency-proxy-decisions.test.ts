import type { Namespace, User } from '../src/generated/prisma/client';
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
 * Pulling through a group's dependency proxy: `GET /jwt/auth?service=dependency_proxy` (or
 * `container_registry`, the challenge docker reuses from its `/v2/` ping) with
 * `scope=repository:<group>/dependency_proxy/containers/<image>:pull`.
 */

const PASSWORD = 'dependency-proxy-password';
const image = (group: Namespace, name = 'alpine') =>
  `${group.fullPath.toLowerCase()}/dependency_proxy/containers/${name}`;
const pulled = (name: string) => [
  {
    type: 'repository',
    name,
    actions: ['pull'],
    meta: { group_id: expect.any(Number), group_path: expect.any(String) },
  },
];

describe('dependency proxy decisions through /jwt/auth', () => {
  let identity: IdentityApp;
  let tokens: TokenService;
  let member: User;
  let outsider: User;
  let groups: Record<'public' | 'internal' | 'private', Namespace>;

  const ask = (name: string, login: BasicLogin | null, actions = 'pull') =>
    tokens.access([`repository:${name}:${actions}`], login, 'dependency_proxy');
  const withPassword = (user: User): BasicLogin => ({ username: user.username, password: PASSWORD });

  beforeAll(async () => {
    identity = await openIdentityApp();
    tokens = await serveTokenService(identity.app);
    const { prisma } = identity;
    member = await createUser(prisma, { password: PASSWORD });
    outsider = await createUser(prisma, { password: PASSWORD });
    groups = {
      public: await createGroup(prisma, { visibility: 'public' }),
      internal: await createGroup(prisma, { visibility: 'internal' }),
      private: await createGroup(prisma, { visibility: 'private' }),
    };
    for (const group of Object.values(groups)) await addMember(prisma, member, { group }, ACCESS_LEVEL.guest);
  });
  afterAll(async () => {
    await tokens.close();
    await identity.close();
  });

  it('when anonymous asks, then nothing is granted, whatever the group', async () => {
    for (const group of Object.values(groups)) expect(await ask(image(group), null)).toEqual([]);
  });

  it('when a signed-in user asks, then public and internal groups are open and private ones need membership', async () => {
    expect(await ask(image(groups.public), withPassword(outsider))).toEqual(pulled(image(groups.public)));
    expect(await ask(image(groups.internal), withPassword(outsider))).toEqual(pulled(image(groups.internal)));
    expect(await ask(image(groups.private), withPassword(outsider))).toEqual([]);
    expect(await ask(image(groups.private), withPassword(member))).toEqual(pulled(image(groups.private)));
  });

  it('when push, delete or * are asked, then only pull is ever granted', async () => {
    const name = image(groups.private, 'library/nginx');
    expect(await ask(name, withPassword(member), 'pull,push,delete')).toEqual(pulled(name));
    expect(await ask(name, withPassword(member), 'push')).toEqual([]);
    expect(await ask(name, withPassword(member), '*')).toEqual([]);
  });

  it('when a PAT asks, then it needs a registry or API scope', async () => {
    const { prisma } = identity;
    const name = image(groups.private);
    for (const scope of ['api', 'read_api', 'read_registry', 'write_registry'] as const) {
      const pat = await createPersonalAccessToken(prisma, member, [scope]);
      expect(await ask(name, { username: member.username, password: pat.token })).toEqual(pulled(name));
    }
    const readUser = await createPersonalAccessToken(prisma, member, ['read_user']);
    expect(await ask(name, { username: member.username, password: readUser.token })).toEqual([]);
  });

  it('when a deploy token asks, then a group token of the group or an ancestor with read_registry pulls, and no other', async () => {
    const { prisma } = identity;
    const top = await createGroup(prisma);
    const sub = await createGroup(prisma, { parent: top });
    const sibling = await createGroup(prisma);
    const login = async (
      owner: Parameters<typeof createDeployToken>[1],
      scopes: Parameters<typeof createDeployToken>[2],
    ) => {
      const deploy = await createDeployToken(prisma, owner, scopes);
      return { username: deploy.username, password: deploy.token };
    };
    const readOnly = await login({ group: top }, ['read_registry']);
    expect(await ask(image(top), readOnly)).toEqual(pulled(image(top)));
    expect(await ask(image(sub), readOnly)).toEqual(pulled(image(sub)));
    expect(await ask(image(sibling), readOnly)).toEqual([]);
    expect(await ask(image(top), await login({ group: top }, ['read_registry', 'write_registry']))).toEqual(
      pulled(image(top)),
    );
    expect(await ask(image(top), await login({ group: top }, ['write_registry']))).toEqual([]);
    expect(await ask(image(top), await login({ group: top }, ['read_package_registry']))).toEqual([]);
    const project = await createProject(prisma, { namespace: sub });
    expect(await ask(image(sub), await login({ project }, ['read_registry', 'write_registry']))).toEqual([]);
  });

  it('when a job token asks, then it pulls from groups above its project, as its user could', async () => {
    const { prisma } = identity;
    const top = await createGroup(prisma);
    const sub = await createGroup(prisma, { parent: top });
    const elsewhere = await createGroup(prisma, { visibility: 'public' });
    const ciUser = await createUser(prisma);
    await addMember(prisma, ciUser, { group: top }, ACCESS_LEVEL.developer);
    const project = await createProject(prisma, { namespace: sub });
    const job = {
      username: 'gitlab-ci-token',
      password: (await createJobToken(prisma, project, ciUser)).token,
    };
    expect(await ask(image(sub), job)).toEqual(pulled(image(sub)));
    expect(await ask(image(top), job)).toEqual(pulled(image(top)));
    expect(await ask(image(elsewhere), job)).toEqual([]);

    const strangerProject = await createProject(prisma, { namespace: sub });
    const stranger = await createUser(prisma);
    const strangersJob = {
      username: 'gitlab-ci-token',
      password: (await createJobToken(prisma, strangerProject, stranger)).token,
    };
    expect(await ask(image(sub), strangersJob)).toEqual([]);
  });

  it('when the group path is asked in another case, or is not a dependency proxy name, then case does not matter and odd names get nothing', async () => {
    const { prisma } = identity;
    const group = await createGroup(prisma, { path: `Proxy${Date.now()}`, visibility: 'public' });
    const lower = image(group);
    expect(await ask(`${group.fullPath}/dependency_proxy/containers/alpine`, withPassword(outsider))).toEqual(
      pulled(lower),
    );
    expect(
      await ask(`${groups.public.fullPath}/dependency_proxy/containers`, withPassword(outsider)),
    ).toEqual([]);
    expect(await ask(`no-such-group/dependency_proxy/containers/alpine`, withPassword(outsider))).toEqual([]);
    expect(await ask(`${groups.public.fullPath}/alpine`, withPassword(outsider))).toEqual([]);
  });

  it('when a member asks the container registry service for a proxy image, as docker does after its /v2/ ping, then pull is granted with the group in meta', async () => {
    const name = image(groups.private);
    const entries = await tokens.access(
      [`repository:${name}:pull`],
      withPassword(member),
      'container_registry',
    );

    expect(entries).toEqual([
      {
        type: 'repository',
        name,
        actions: ['pull'],
        meta: { group_id: groups.private.id, group_path: groups.private.fullPath },
      },
    ]);
  });

  it("when a non-member asks the container registry service for a private group's proxy image, then nothing is granted", async () => {
    const name = image(groups.private);

    expect(
      await tokens.access([`repository:${name}:pull`], withPassword(outsider), 'container_registry'),
    ).toEqual([]);
    expect(await tokens.access([`repository:${name}:pull`], null, 'container_registry')).toEqual([]);
  });

  it('when one container registry request mixes a project repository and a proxy image, then each gets its own decision', async () => {
    const { prisma } = identity;
    const project = await createProject(prisma, { namespace: groups.private });
    const repository = project.fullPath.toLowerCase();
    const name = image(groups.private);

    const entries = await tokens.access(
      [`repository:${repository}:pull,push`, `repository:${name}:pull,push`],
      withPassword(member),
      'container_registry',
    );

    // A Guest may not pull the project's images, but may pull through the group's proxy.
    expect(entries).toEqual(pulled(name));
  });

  it('when the dependency proxy service is asked for a project repository, then it grants nothing', async () => {
    const { prisma } = identity;
    const project = await createProject(prisma, { namespace: groups.public, visibility: 'public' });

    expect(await ask(project.fullPath.toLowerCase(), withPassword(member))).toEqual([]);
  });
});
