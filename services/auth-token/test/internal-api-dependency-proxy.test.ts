import request from 'supertest';
import type { Namespace, User } from '../src/generated/prisma/client';
import { ACCESS_LEVEL } from '../src/domain/access-level';
import type { PersonalAccessTokenScope } from '../src/domain/scopes';
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

/**
 * What the dependency proxy asks `POST /internal/v1/authorize` about a group: who may manage its
 * proxy (`admin_dependency_proxy`), and the group's visibility for anonymous pulls.
 */

const SECRET = 'internal-secret-for-tests';
const PASSWORD = 'dependency-proxy-admin-password';

describe('POST /internal/v1/authorize for the dependency proxy', () => {
  let identity: IdentityApp;
  let top: Namespace;
  let sub: Namespace;
  let owner: User;
  let maintainer: User;

  const authorize = (body: Record<string, unknown>) =>
    request(identity.app)
      .post('/internal/v1/authorize')
      .set('X-Stowage-Internal-Secret', SECRET)
      .send({ client_ip: '10.2.2.2', ...body });
  const password = (user: User) => ({ kind: 'basic', username: user.username, password: PASSWORD });
  const token = async (user: User, scopes: PersonalAccessTokenScope[]) => ({
    kind: 'private_token',
    token: (await createPersonalAccessToken(identity.prisma, user, scopes)).token,
  });
  const administers = async (credentials: unknown, group: Namespace = sub) => {
    const response = await authorize({ credentials, group: group.id, abilities: ['admin_dependency_proxy'] });
    expect(response.status).toBe(200);
    return (response.body.granted as string[]).includes('admin_dependency_proxy');
  };

  beforeAll(async () => {
    identity = await openIdentityApp({ internalApiSecret: SECRET });
    const { prisma } = identity;
    top = await createGroup(prisma, { visibility: 'private' });
    sub = await createGroup(prisma, { parent: top, visibility: 'private' });
    owner = await createUser(prisma, { password: PASSWORD });
    maintainer = await createUser(prisma, { password: PASSWORD });
    await addMember(prisma, owner, { group: top }, ACCESS_LEVEL.owner);
    await addMember(prisma, maintainer, { group: sub }, ACCESS_LEVEL.maintainer);
  });
  afterAll(() => identity.close());

  it('when an Owner of the group asks for admin_dependency_proxy with a password, then it is granted with the group', async () => {
    const response = await authorize({
      credentials: password(owner),
      group: top.fullPath,
      abilities: ['read_dependency_proxy', 'admin_dependency_proxy'],
    });

    expect(response.body).toMatchObject({
      group: { id: top.id, full_path: top.fullPath, visibility: 'private' },
      granted: ['read_dependency_proxy', 'admin_dependency_proxy'],
    });
  });

  it('when an Owner of an ancestor group asks about a subgroup, then admin_dependency_proxy is granted', async () => {
    expect(await administers(password(owner), sub)).toBe(true);
  });

  it('when a Maintainer asks for admin_dependency_proxy, then it is refused but the group is still shown', async () => {
    const response = await authorize({
      credentials: password(maintainer),
      group: sub.id,
      abilities: ['read_dependency_proxy', 'admin_dependency_proxy'],
    });

    expect(response.body).toMatchObject({
      group: { id: sub.id, full_path: sub.fullPath, visibility: 'private' },
      granted: ['read_dependency_proxy'],
    });
  });

  it('when an instance admin who is no member asks, then admin_dependency_proxy is granted', async () => {
    const admin = await createUser(identity.prisma, { password: PASSWORD, admin: true });

    expect(await administers(password(admin))).toBe(true);
  });

  it('when an Owner uses a PAT, then only the api scope manages the proxy', async () => {
    expect(await administers(await token(owner, ['api']))).toBe(true);
    for (const scope of ['read_api', 'read_registry', 'write_registry', 'read_user'] as const) {
      expect(await administers(await token(owner, [scope]))).toBe(false);
    }
  });

  it("when a deploy token or an Owner's job token asks, then admin_dependency_proxy is refused", async () => {
    const { prisma } = identity;
    const deploy = await createDeployToken(prisma, { group: top }, ['read_registry', 'write_registry']);
    const project = await createProject(prisma, { namespace: sub });
    const job = await createJobToken(prisma, project, owner);

    expect(await administers({ kind: 'deploy_token', token: deploy.token })).toBe(false);
    expect(await administers({ kind: 'job_token', token: job.token })).toBe(false);
  });

  it('when anonymous asks about a public group, then the group is shown as public and nothing is granted', async () => {
    const open = await createGroup(identity.prisma, { visibility: 'public' });

    const response = await authorize({
      group: open.fullPath,
      abilities: ['read_dependency_proxy', 'admin_dependency_proxy'],
    });

    expect(response.body).toEqual({
      principal: { kind: 'anonymous' },
      project: null,
      group: { id: open.id, full_path: open.fullPath, visibility: 'public' },
      granted: [],
    });
  });

  it('when an Owner is granted admin_dependency_proxy, then a project it may not see in the same call stays hidden', async () => {
    const elsewhere = await createProject(identity.prisma, { namespace: await createGroup(identity.prisma) });

    const response = await authorize({
      credentials: password(owner),
      project: elsewhere.id,
      group: top.id,
      abilities: ['admin_dependency_proxy', 'read_package'],
    });

    expect(response.body).toMatchObject({ project: null, granted: ['admin_dependency_proxy'] });
  });
});
