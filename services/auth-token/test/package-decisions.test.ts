import type { Project, User } from '../src/generated/prisma/client';
import { ACCESS_LEVEL } from '../src/domain/access-level';
import { authenticate } from '../src/domain/authenticate';
import type { Credentials } from '../src/domain/credentials';
import { packageAbilities } from '../src/domain/decisions/packages';
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
 * The package registry policy (read_package / create_package / destroy_package), decided for
 * principals resolved from real credentials. R = read, C = create, D = destroy.
 */

type Column =
  'public' | 'internal' | 'private' | 'private, anyone may pull' | 'public, members only' | 'disabled';
const COLUMNS: Record<Column, { visibility: 'public' | 'internal' | 'private'; level: string }> = {
  public: { visibility: 'public', level: 'enabled' },
  internal: { visibility: 'internal', level: 'enabled' },
  private: { visibility: 'private', level: 'enabled' },
  'private, anyone may pull': { visibility: 'private', level: 'public' },
  'public, members only': { visibility: 'public', level: 'private' },
  disabled: { visibility: 'public', level: 'disabled' },
};
const COLUMN_NAMES = Object.keys(COLUMNS) as Column[];

type Who =
  | 'anonymous'
  | 'signed-in non-member'
  | 'Guest'
  | 'Reporter'
  | 'Developer'
  | 'Maintainer'
  | "project's deploy token read_package_registry"
  | "project's deploy token write_package_registry"
  | 'job token of a Developer, own project'
  | 'job token of a Developer, allowlisted project'
  | 'PAT api of a Maintainer'
  | 'PAT read_api of a Maintainer'
  | 'PAT read_registry+write_registry of a Maintainer';

// Issue 11's table (GitLab's): view/pull public anyone, internal any signed-in user, private
// Reporter+; publish Developer+; delete Maintainer+. "anyone" opens pulls to everyone.
// prettier-ignore
const POLICY: [Who, ...string[]][] = [
  // principal                                           public internal private anyone  members disabled
  ['anonymous',                                          'R',   '-',     '-',    'R',    '-',    '-'],
  ['signed-in non-member',                               'R',   'R',     '-',    'R',    '-',    '-'],
  ['Guest',                                              'R',   'R',     '-',    'R',    '-',    '-'],
  ['Reporter',                                           'R',   'R',     'R',    'R',    'R',    '-'],
  ['Developer',                                          'RC',  'RC',    'RC',   'RC',   'RC',   '-'],
  ['Maintainer',                                         'RCD', 'RCD',   'RCD',  'RCD',  'RCD',  '-'],
  ["project's deploy token read_package_registry",       'R',   'R',     'R',    'R',    'R',    '-'],
  // GitLab's project policy: a write token also reads and deletes.
  ["project's deploy token write_package_registry",      'RCD', 'RCD',   'RCD',  'RCD',  'RCD',  '-'],
  ['job token of a Developer, own project',              'RC',  'RC',    'RC',   'RC',   'RC',   '-'],
  // On a project that admits the job's project: read only, if the job's user may read.
  ['job token of a Developer, allowlisted project',      'R',   'R',     'R',    'R',    'R',    '-'],
  ['PAT api of a Maintainer',                            'RCD', 'RCD',   'RCD',  'RCD',  'RCD',  '-'],
  ['PAT read_api of a Maintainer',                       'R',   'R',     'R',    'R',    'R',    '-'],
  // Scopes that do not reach packages still leave what anonymous clients have.
  ['PAT read_registry+write_registry of a Maintainer',   'R',   '-',     '-',    'R',    '-',    '-'],
];

const LETTERS = { R: 'read_package', C: 'create_package', D: 'destroy_package' } as const;
const abilitiesOf = (cell: string) =>
  cell === '-' ? [] : [...cell].map((letter) => LETTERS[letter as keyof typeof LETTERS]);

describe('package decisions', () => {
  let identity: IdentityDb;
  const projects = {} as Record<Column, Project>;
  const principals = {} as Record<Who, (column: Column) => Principal>;
  let users: Record<'nonMember' | 'guest' | 'reporter' | 'developer' | 'maintainer', User>;

  const signIn = async (credentials: Credentials): Promise<Principal> => {
    const principal = await authenticate(identity.prisma, credentials);
    if (!principal) throw new Error('fixture credentials did not authenticate');
    return principal;
  };
  // Password principals are built directly: the policy does not depend on how the password was checked.
  const asUser = (user: User): Principal => ({
    kind: 'user',
    user,
    credential: `password:${user.id}`,
    scopes: null,
  });

  beforeAll(async () => {
    identity = await openIdentityDb();
    const { prisma } = identity;
    const group = await createGroup(prisma, { visibility: 'public' });
    users = {
      nonMember: await createUser(prisma),
      guest: await createUser(prisma),
      reporter: await createUser(prisma),
      developer: await createUser(prisma),
      maintainer: await createUser(prisma),
    };
    const ciUser = await createUser(prisma);
    // The project whose jobs the table's projects admit (each adds it to its allowlist).
    const ciProject = await createProject(prisma, { namespace: group });
    await addMember(prisma, ciUser, { project: ciProject }, ACCESS_LEVEL.developer);
    const allowlistedJob = await signIn({
      kind: 'job_token',
      token: (await createJobToken(prisma, ciProject, ciUser)).token,
    });
    const deployRead = {} as Record<Column, Principal>;
    const deployWrite = {} as Record<Column, Principal>;
    const jobs = {} as Record<Column, Principal>;
    for (const column of COLUMN_NAMES) {
      const { visibility, level } = COLUMNS[column];
      const project = await createProject(prisma, {
        namespace: group,
        visibility,
        packageRegistryAccessLevel: level as 'enabled',
      });
      projects[column] = project;
      await addMember(prisma, users.guest, { project }, ACCESS_LEVEL.guest);
      await addMember(prisma, users.reporter, { project }, ACCESS_LEVEL.reporter);
      await addMember(prisma, users.developer, { project }, ACCESS_LEVEL.developer);
      await addMember(prisma, users.maintainer, { project }, ACCESS_LEVEL.maintainer);
      await addMember(prisma, ciUser, { project }, ACCESS_LEVEL.developer);
      await prisma.jobTokenScopeLink.create({
        data: { sourceProjectId: ciProject.id, targetProjectId: project.id },
      });
      const read = await createDeployToken(prisma, { project }, ['read_package_registry']);
      const write = await createDeployToken(prisma, { project }, ['write_package_registry']);
      deployRead[column] = await signIn({ kind: 'deploy_token', token: read.token });
      deployWrite[column] = await signIn({ kind: 'deploy_token', token: write.token });
      jobs[column] = await signIn({
        kind: 'job_token',
        token: (await createJobToken(prisma, project, ciUser)).token,
      });
    }
    const pat = async (scopes: Parameters<typeof createPersonalAccessToken>[2]) =>
      signIn({
        kind: 'private_token',
        token: (await createPersonalAccessToken(prisma, users.maintainer, scopes)).token,
      });
    const [patApi, patReadApi, patRegistry] = [
      await pat(['api']),
      await pat(['read_api']),
      await pat(['read_registry', 'write_registry']),
    ];
    Object.assign(principals, {
      anonymous: () => ANONYMOUS,
      'signed-in non-member': () => asUser(users.nonMember),
      Guest: () => asUser(users.guest),
      Reporter: () => asUser(users.reporter),
      Developer: () => asUser(users.developer),
      Maintainer: () => asUser(users.maintainer),
      "project's deploy token read_package_registry": (column: Column) => deployRead[column],
      "project's deploy token write_package_registry": (column: Column) => deployWrite[column],
      'job token of a Developer, own project': (column: Column) => jobs[column],
      'job token of a Developer, allowlisted project': () => allowlistedJob,
      'PAT api of a Maintainer': () => patApi,
      'PAT read_api of a Maintainer': () => patReadApi,
      'PAT read_registry+write_registry of a Maintainer': () => patRegistry,
    } satisfies Record<Who, (column: Column) => Principal>);
  });
  afterAll(() => identity.close());

  const cases = POLICY.flatMap(([who, ...cells]) =>
    COLUMN_NAMES.map((column, index) => [who, column, cells[index]!] as const),
  );

  it.each(cases)('when %s acts on a project (%s), then it may %s', async (who, column, cell) => {
    const granted = await packageAbilities(identity.prisma, principals[who](column), projects[column]);
    expect(granted).toEqual(abilitiesOf(cell));
  });

  it('when the instance forbids "anyone may pull", then such a project is read as its visibility says', async () => {
    const { prisma } = identity;
    const project = projects['private, anyone may pull'];
    await prisma.applicationSetting.upsert({
      where: { id: 1 },
      create: { id: 1, packageRegistryAllowAnyoneToPullOption: false },
      update: { packageRegistryAllowAnyoneToPullOption: false },
    });
    try {
      expect(await packageAbilities(prisma, ANONYMOUS, project)).toEqual([]);
      expect(await packageAbilities(prisma, asUser(users.nonMember), project)).toEqual([]);
      expect(await packageAbilities(prisma, asUser(users.reporter), project)).toEqual(['read_package']);
    } finally {
      await prisma.applicationSetting.update({
        where: { id: 1 },
        data: { packageRegistryAllowAnyoneToPullOption: true },
      });
    }
  });

  it("when a job token acts on another project, then it reads only where that project accepts its project's tokens", async () => {
    const { prisma } = identity;
    const group = await createGroup(prisma);
    const ciUser = await createUser(prisma);
    await addMember(prisma, ciUser, { group }, ACCESS_LEVEL.maintainer);
    const own = await createProject(prisma, { namespace: group });
    const allowing = await createProject(prisma, { namespace: group });
    const other = await createProject(prisma, { namespace: group });
    await prisma.jobTokenScopeLink.create({
      data: { sourceProjectId: own.id, targetProjectId: allowing.id },
    });
    const job = await signIn({ kind: 'job_token', token: (await createJobToken(prisma, own, ciUser)).token });
    expect(await packageAbilities(prisma, job, own)).toEqual([
      'read_package',
      'create_package',
      'destroy_package',
    ]);
    expect(await packageAbilities(prisma, job, allowing)).toEqual(['read_package']);
    expect(await packageAbilities(prisma, job, other)).toEqual([]);
  });

  it('when a group deploy token acts, then it works on projects below its group only', async () => {
    const { prisma } = identity;
    const group = await createGroup(prisma);
    const inside = await createProject(prisma, { namespace: await createGroup(prisma, { parent: group }) });
    const outside = await createProject(prisma, { namespace: await createGroup(prisma) });
    const token = await createDeployToken(prisma, { group }, [
      'read_package_registry',
      'write_package_registry',
    ]);
    const deploy = await signIn({ kind: 'deploy_token', token: token.token });
    expect(await packageAbilities(prisma, deploy, inside)).toEqual([
      'read_package',
      'create_package',
      'destroy_package',
    ]);
    expect(await packageAbilities(prisma, deploy, outside)).toEqual([]);
  });
});
