import request from 'supertest';
import type { Namespace, Project, User } from '../src/generated/prisma/client';
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

const SECRET = 'internal-secret-for-tests';
const PASSWORD = 'internal-api-password';

describe('POST /internal/v1/authorize', () => {
  let identity: IdentityApp;
  let developer: User;
  let group: Namespace;
  let privateProject: Project;
  let publicProject: Project;

  const authorize = (body: unknown, secret: string | null = SECRET) => {
    let call = request(identity.app).post('/internal/v1/authorize');
    if (secret !== null) call = call.set('X-Stowage-Internal-Secret', secret);
    return call.send(body as object);
  };

  beforeAll(async () => {
    identity = await openIdentityApp({ internalApiSecret: SECRET });
    const { prisma } = identity;
    developer = await createUser(prisma, { password: PASSWORD });
    group = await createGroup(prisma, { visibility: 'private' });
    privateProject = await createProject(prisma, { namespace: group, path: 'Private-App' });
    publicProject = await createProject(prisma, {
      namespace: await createGroup(prisma, { visibility: 'public' }),
      visibility: 'public',
    });
    await addMember(prisma, developer, { group }, ACCESS_LEVEL.developer);
  });
  afterAll(() => identity.close());

  it('when the shared secret is missing or wrong, then every internal route answers 403', async () => {
    const body = { credentials: null, abilities: [] };
    for (const secret of [null, '', 'wrong', `${SECRET}x`]) {
      const response = await authorize(body, secret);
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ message: '403 Forbidden' });
    }
    expect((await request(identity.app).get('/internal/v1/anything')).status).toBe(403);
    expect((await authorize(body)).status).toBe(200);
  });

  it('when no secret is configured, then none is needed', async () => {
    const open = await openIdentityApp();
    try {
      const response = await request(open.app).post('/internal/v1/authorize').send({ abilities: [] });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        principal: { kind: 'anonymous' },
        project: null,
        group: null,
        granted: [],
      });
    } finally {
      await open.close();
    }
  });

  it('when the body is malformed, then the answer is a GitLab-style 400 (or 413 when too large)', async () => {
    const raw = await request(identity.app)
      .post('/internal/v1/authorize')
      .set('X-Stowage-Internal-Secret', SECRET)
      .set('Content-Type', 'application/json')
      .send('{"abilities": [');
    expect(raw.status).toBe(400);
    expect(raw.body.message).toMatch(/^400 /);

    const cases: [unknown, unknown][] = [
      [[], { message: '400 Bad request - the body must be a JSON object' }],
      [{}, { error: 'abilities is missing' }],
      [{ abilities: 'read_package' }, { error: 'abilities is invalid' }],
      [{ abilities: ['read_package', 'sudo'] }, { error: 'abilities does not have a valid value' }],
      [{ abilities: [], credentials: { kind: 'oauth', token: 'x' } }, { error: 'credentials is invalid' }],
      [{ abilities: [], credentials: { kind: 'basic', username: 'x' } }, { error: 'credentials is invalid' }],
      [{ abilities: [], project: -1 }, { error: 'project is invalid' }],
      [{ abilities: [], group: { id: 1 } }, { error: 'group is invalid' }],
      [{ abilities: [], client_ip: 7 }, { error: 'client_ip is invalid' }],
    ];
    for (const [body, expected] of cases) {
      const response = await authorize(body);
      expect({ body, status: response.status, answer: response.body }).toEqual({
        body,
        status: 400,
        answer: expected,
      });
    }
    const large = await authorize({ abilities: [], pad: 'x'.repeat(20_000) });
    expect(large.status).toBe(413);
  });

  it('when each kind of credential is presented, then the principal is described in the contract shape', async () => {
    const { prisma } = identity;
    const admin = await createUser(prisma, { admin: true });
    const pat = await createPersonalAccessToken(prisma, admin, ['api']);
    const deploy = await createDeployToken(prisma, { project: privateProject }, ['read_package_registry']);
    const job = await createJobToken(prisma, privateProject, developer);
    const cases: [unknown, unknown][] = [
      [null, { kind: 'anonymous' }],
      [
        { kind: 'private_token', token: pat.token },
        {
          kind: 'user',
          user_id: admin.id,
          username: admin.username,
          admin: true,
          credential: `personal_access_token:${pat.id}`,
        },
      ],
      [
        { kind: 'basic', username: developer.username, password: PASSWORD },
        {
          kind: 'user',
          user_id: developer.id,
          username: developer.username,
          admin: false,
          credential: `password:${developer.id}`,
        },
      ],
      [
        { kind: 'deploy_token', token: deploy.token },
        {
          kind: 'deploy_token',
          deploy_token_id: deploy.id,
          username: deploy.username,
          credential: `deploy_token:${deploy.id}`,
        },
      ],
      [
        { kind: 'job_token', token: job.token },
        {
          kind: 'job_token',
          user_id: developer.id,
          username: developer.username,
          project_id: privateProject.id,
          credential: `job_token:${job.id}`,
          pipeline: null,
        },
      ],
    ];
    for (const [credentials, principal] of cases) {
      const response = await authorize({ credentials, client_ip: '10.1.1.1', abilities: [] });
      expect(response.status).toBe(200);
      expect(response.body.principal).toEqual(principal);
    }
  });

  it('when the credentials are wrong, then the answer is 401', async () => {
    const response = await authorize({
      credentials: { kind: 'bearer', token: 'glpat-nonsense' },
      client_ip: '10.1.1.2',
      abilities: ['read_package'],
    });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: '401 Unauthorized' });
  });

  it('when a member asks about a project by id or by path in any case, then the granted abilities follow the policy', async () => {
    const pat = await createPersonalAccessToken(identity.prisma, developer, ['api']);
    const abilities = [
      'read_package',
      'create_package',
      'destroy_package',
      'read_container_image',
      'create_container_image',
      'destroy_container_image',
      'read_package',
    ];
    for (const project of [
      privateProject.id,
      privateProject.fullPath,
      privateProject.fullPath.toUpperCase(),
    ]) {
      const response = await authorize({
        credentials: { kind: 'private_token', token: pat.token },
        client_ip: '10.1.1.3',
        project,
        abilities,
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        project: {
          id: privateProject.id,
          full_path: privateProject.fullPath,
          visibility: 'private',
          access_level: ACCESS_LEVEL.developer,
        },
        group: null,
        granted: ['read_package', 'create_package', 'read_container_image', 'create_container_image'],
      });
    }
  });

  it('when the principal may not see the project, then it answers exactly as for a missing one', async () => {
    const anonymousOnPrivate = await authorize({ project: privateProject.id, abilities: ['read_package'] });
    const missing = await authorize({ project: 'no/such/project', abilities: ['read_package'] });
    const missingId = await authorize({ project: 999_999, abilities: ['read_package'] });
    for (const response of [anonymousOnPrivate, missing, missingId]) {
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        principal: { kind: 'anonymous' },
        project: null,
        group: null,
        granted: [],
      });
    }
    const onPublic = await authorize({
      project: publicProject.fullPath,
      abilities: ['read_package', 'create_package'],
    });
    expect(onPublic.body).toMatchObject({
      project: {
        id: publicProject.id,
        full_path: publicProject.fullPath,
        visibility: 'public',
        access_level: 0,
      },
      granted: ['read_package'],
    });
  });

  it('when packages of a private project are open to anyone, then anonymous sees the project and may read them', async () => {
    const project = await createProject(identity.prisma, {
      namespace: group,
      packageRegistryAccessLevel: 'public',
    });
    const response = await authorize({
      project: project.id,
      abilities: ['read_package', 'read_container_image'],
    });
    expect(response.body).toMatchObject({ project: { id: project.id }, granted: ['read_package'] });
  });

  it('when read_dependency_proxy is asked about a group, then it is decided for the group', async () => {
    const { prisma } = identity;
    const outsider = await createUser(prisma, { password: PASSWORD });
    const asDeveloper = await authorize({
      credentials: { kind: 'basic', username: developer.username, password: PASSWORD },
      client_ip: '10.1.1.4',
      group: group.fullPath,
      abilities: ['read_dependency_proxy', 'read_package'],
    });
    expect(asDeveloper.body).toMatchObject({
      group: { id: group.id, full_path: group.fullPath, visibility: 'private' },
      project: null,
      granted: ['read_dependency_proxy'],
    });
    const asOutsider = await authorize({
      credentials: { kind: 'basic', username: outsider.username, password: PASSWORD },
      client_ip: '10.1.1.4',
      group: group.id,
      abilities: ['read_dependency_proxy'],
    });
    expect(asOutsider.body).toMatchObject({ group: null, granted: [] });
    const anonymous = await authorize({ group: group.id, abilities: ['read_dependency_proxy'] });
    expect(anonymous.body).toMatchObject({ group: null, granted: [] });
  });

  it('when a user is a member of a project only, then its private group is shown (as GitLab does) without group rights', async () => {
    const { prisma } = identity;
    const projectMember = await createUser(prisma, { password: PASSWORD });
    await addMember(prisma, projectMember, { project: privateProject }, ACCESS_LEVEL.reporter);
    const answer = await authorize({
      credentials: { kind: 'basic', username: projectMember.username, password: PASSWORD },
      client_ip: '10.1.1.5',
      group: group.id,
      abilities: ['read_dependency_proxy'],
    });
    expect(answer.body).toMatchObject({ group: { id: group.id }, granted: [] });
  });

  it('when a job token carries its pipeline, then the principal names it', async () => {
    const { prisma } = identity;
    const job = await createJobToken(prisma, privateProject, developer);
    await prisma.jobToken.update({
      where: { id: job.id },
      data: { pipelineId: 3_000_000_000n, ref: 'main', sha: 'a'.repeat(40) },
    });
    const response = await authorize({
      credentials: { kind: 'job_token', token: job.token },
      project: privateProject.id,
      abilities: ['create_package'],
    });
    expect(response.body).toMatchObject({
      principal: {
        kind: 'job_token',
        project_id: privateProject.id,
        pipeline: { id: 3_000_000_000, ref: 'main', sha: 'a'.repeat(40) },
      },
      project: { id: privateProject.id, access_level: ACCESS_LEVEL.developer },
      granted: ['create_package'],
    });
  });

  it('when admin_package is asked, then it is decided on the project if one is named, else on the group', async () => {
    const { prisma } = identity;
    const maintainer = await createUser(prisma, { password: PASSWORD });
    await addMember(prisma, maintainer, { group }, ACCESS_LEVEL.maintainer);
    const owner = await createUser(prisma, { password: PASSWORD });
    await addMember(prisma, owner, { group }, ACCESS_LEVEL.owner);
    const as = (user: User) => ({ kind: 'basic', username: user.username, password: PASSWORD });
    const ask = (user: User, target: object) =>
      authorize({ credentials: as(user), client_ip: '10.1.1.5', ...target, abilities: ['admin_package'] });

    const onProject = await ask(maintainer, { project: privateProject.id });
    expect(onProject.body).toMatchObject({
      project: { id: privateProject.id, access_level: ACCESS_LEVEL.maintainer },
      granted: ['admin_package'],
    });
    expect((await ask(developer, { project: privateProject.id })).body.granted).toEqual([]);
    // A Maintainer does not manage the group's package settings; an Owner does.
    const onGroup = await ask(maintainer, { group: group.id });
    expect(onGroup.body).toMatchObject({ group: { id: group.id }, project: null, granted: [] });
    expect((await ask(owner, { group: group.fullPath })).body.granted).toEqual(['admin_package']);
    // Both named: the project decides (a Maintainer manages the project's rules).
    const both = await ask(maintainer, { project: privateProject.id, group: group.id });
    expect(both.body.granted).toEqual(['admin_package']);
  });

  it('when a deploy token asks, then its role is 0 whatever its scopes grant', async () => {
    const deploy = await createDeployToken(identity.prisma, { project: privateProject }, [
      'write_package_registry',
    ]);
    const response = await authorize({
      credentials: { kind: 'deploy_token', token: deploy.token },
      project: privateProject.fullPath,
      abilities: ['read_package', 'create_package', 'destroy_package', 'admin_package'],
    });
    expect(response.body).toMatchObject({
      project: { id: privateProject.id, access_level: 0 },
      granted: ['read_package', 'create_package', 'destroy_package'],
    });
  });
});
