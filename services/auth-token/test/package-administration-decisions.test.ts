import type { Namespace, Project, User } from '../src/generated/prisma/client';
import { ACCESS_LEVEL } from '../src/domain/access-level';
import { authenticate } from '../src/domain/authenticate';
import type { Credentials } from '../src/domain/credentials';
import { mayAdministerGroupPackages, mayAdministerProjectPackages } from '../src/domain/decisions/packages';
import { principalLevelOnProject } from '../src/domain/decisions/principal-role';
import { ANONYMOUS, type Principal } from '../src/domain/principal';
import { openIdentityDb, type IdentityDb } from './support/identity-db';
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
 * `admin_package` (project: Maintainer+, group: Owner+; a password or a PAT with `api`) and the
 * role the authorize answer reports, which package protection rules are checked against.
 */
describe('package administration and the caller role', () => {
  let identity: IdentityDb;
  let group: Namespace;
  let project: Project;
  let disabled: Project;
  let other: Project;
  const members = {} as Record<'guest' | 'developer' | 'maintainer' | 'owner' | 'admin', User>;

  const signIn = async (credentials: Credentials): Promise<Principal> => {
    const principal = await authenticate(identity.prisma, credentials);
    if (!principal) throw new Error('fixture credentials did not authenticate');
    return principal;
  };
  const asUser = (user: User): Principal => ({
    kind: 'user',
    user,
    credential: `password:${user.id}`,
    scopes: null,
  });
  const pat = async (user: User, scopes: Parameters<typeof createPersonalAccessToken>[2]) =>
    signIn({
      kind: 'private_token',
      token: (await createPersonalAccessToken(identity.prisma, user, scopes)).token,
    });

  beforeAll(async () => {
    identity = await openIdentityDb();
    const { prisma } = identity;
    group = await createGroup(prisma, { visibility: 'private' });
    project = await createProject(prisma, { namespace: group });
    disabled = await createProject(prisma, { namespace: group, packageRegistryAccessLevel: 'disabled' });
    other = await createProject(prisma, { namespace: group });
    members.guest = await createUser(prisma);
    members.developer = await createUser(prisma);
    members.maintainer = await createUser(prisma);
    members.owner = await createUser(prisma);
    members.admin = await createUser(prisma, { admin: true });
    await addMember(prisma, members.guest, { project }, ACCESS_LEVEL.guest);
    await addMember(prisma, members.developer, { group }, ACCESS_LEVEL.developer);
    await addMember(prisma, members.maintainer, { group }, ACCESS_LEVEL.maintainer);
    await addMember(prisma, members.owner, { group }, ACCESS_LEVEL.owner);
  });
  afterAll(() => identity.close());

  it("when each kind of caller asks, then the project role is its own, its job user's on the job's project, else 0", async () => {
    const { prisma } = identity;
    const deploy = await createDeployToken(prisma, { project }, ['write_package_registry']);
    const job = await createJobToken(prisma, project, members.maintainer);
    const jobPrincipal = await signIn({ kind: 'job_token', token: job.token });
    const cases: [string, Principal, Project, number][] = [
      ['anonymous', ANONYMOUS, project, 0],
      ['non-member', asUser(await createUser(prisma)), project, 0],
      ['Guest', asUser(members.guest), project, ACCESS_LEVEL.guest],
      ['Developer (inherited)', asUser(members.developer), project, ACCESS_LEVEL.developer],
      [
        'Maintainer by read_api PAT',
        await pat(members.maintainer, ['read_api']),
        project,
        ACCESS_LEVEL.maintainer,
      ],
      ['admin', asUser(members.admin), project, ACCESS_LEVEL.owner],
      ['deploy token', await signIn({ kind: 'deploy_token', token: deploy.token }), project, 0],
      ['job token, own project', jobPrincipal, project, ACCESS_LEVEL.maintainer],
      ['job token, other project', jobPrincipal, other, 0],
      ['blocked user', asUser(await createUser(prisma, { state: 'blocked' })), project, 0],
    ];
    for (const [who, principal, target, level] of cases) {
      expect({ who, level: await principalLevelOnProject(prisma, principal, target) }).toEqual({
        who,
        level,
      });
    }
  });

  it('when callers ask for admin_package on a project, then Maintainers+ with a password or an api PAT get it', async () => {
    const { prisma } = identity;
    const deploy = await createDeployToken(prisma, { project }, [
      'read_package_registry',
      'write_package_registry',
    ]);
    const job = await createJobToken(prisma, project, members.maintainer);
    const cases: [string, Principal, boolean][] = [
      ['anonymous', ANONYMOUS, false],
      ['Developer', asUser(members.developer), false],
      ['Maintainer', asUser(members.maintainer), true],
      ['Owner', asUser(members.owner), true],
      ['admin', asUser(members.admin), true],
      ['Maintainer, api PAT', await pat(members.maintainer, ['api']), true],
      ['Maintainer, read_api PAT', await pat(members.maintainer, ['read_api']), false],
      ['write deploy token', await signIn({ kind: 'deploy_token', token: deploy.token }), false],
      ["Maintainer's job token", await signIn({ kind: 'job_token', token: job.token }), false],
    ];
    for (const [who, principal, allowed] of cases) {
      expect({ who, allowed: await mayAdministerProjectPackages(prisma, principal, project) }).toEqual({
        who,
        allowed,
      });
    }
    expect(await mayAdministerProjectPackages(prisma, asUser(members.owner), disabled)).toBe(false);
  });

  it('when callers ask for admin_package on a group, then Owners (of it or an ancestor) with a password or an api PAT get it', async () => {
    const { prisma } = identity;
    const subgroup = await createGroup(prisma, { parent: group });
    const deploy = await createDeployToken(prisma, { group }, ['write_package_registry']);
    const cases: [string, Principal, Namespace, boolean][] = [
      ['anonymous', ANONYMOUS, group, false],
      ['Maintainer', asUser(members.maintainer), group, false],
      ['Owner', asUser(members.owner), group, true],
      ['Owner, on a subgroup', asUser(members.owner), subgroup, true],
      ['admin', asUser(members.admin), group, true],
      ['Owner, api PAT', await pat(members.owner, ['api']), group, true],
      ['Owner, read_api PAT', await pat(members.owner, ['read_api']), group, false],
      ['group deploy token', await signIn({ kind: 'deploy_token', token: deploy.token }), group, false],
    ];
    for (const [who, principal, target, allowed] of cases) {
      expect({ who, allowed: await mayAdministerGroupPackages(prisma, principal, target) }).toEqual({
        who,
        allowed,
      });
    }
  });
});
