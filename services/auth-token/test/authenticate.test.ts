import { authenticate } from '../src/domain/authenticate';
import { ACCESS_LEVEL, NO_ACCESS } from '../src/domain/access-level';
import { accessLevelOnNamespace, accessLevelOnProject } from '../src/domain/membership';
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

describe('authenticate', () => {
  let identity: IdentityDb;
  beforeAll(async () => {
    identity = await openIdentityDb();
  });
  afterAll(() => identity.close());

  it('when a PAT is presented in any credential form, then it resolves to its user with its scopes', async () => {
    const { prisma } = identity;
    const user = await createUser(prisma);
    const pat = await createPersonalAccessToken(prisma, user, ['read_registry']);
    for (const credentials of [
      { kind: 'private_token' as const, token: pat.token },
      { kind: 'bearer' as const, token: pat.token },
      { kind: 'basic' as const, username: 'anything', password: pat.token },
    ]) {
      const principal = await authenticate(prisma, credentials);
      expect(principal).toMatchObject({
        kind: 'user',
        user: { id: user.id },
        scopes: ['read_registry'],
        credential: `personal_access_token:${pat.id}`,
      });
    }
    const row = await prisma.personalAccessToken.findUniqueOrThrow({ where: { id: pat.id } });
    expect(row.lastUsedAt).not.toBeNull();
  });

  it('when a PAT is revoked, expired, or its user blocked, then it authenticates nobody', async () => {
    const { prisma } = identity;
    const user = await createUser(prisma);
    const blocked = await createUser(prisma, { state: 'blocked' });
    const revoked = await createPersonalAccessToken(prisma, user, ['api'], { revoked: true });
    const expired = await createPersonalAccessToken(prisma, user, ['api'], {
      expiresAt: new Date(Date.UTC(2020, 0, 1)),
    });
    const ofBlocked = await createPersonalAccessToken(prisma, blocked, ['api']);
    for (const { token } of [revoked, expired, ofBlocked]) {
      expect(await authenticate(prisma, { kind: 'private_token', token })).toBeNull();
    }
  });

  it('when a password is right, then the user signs in uncapped; a wrong one or an unknown user fails alike', async () => {
    const { prisma } = identity;
    const user = await createUser(prisma, { password: 'correct horse battery' });
    await expect(
      authenticate(prisma, {
        kind: 'basic',
        username: user.username.toUpperCase(),
        password: 'correct horse battery',
      }),
    ).resolves.toMatchObject({ kind: 'user', scopes: null, credential: `password:${user.id}` });
    await expect(
      authenticate(prisma, { kind: 'basic', username: user.username, password: 'wrong' }),
    ).resolves.toBeNull();
    await expect(
      authenticate(prisma, { kind: 'basic', username: 'nobody-here', password: 'correct horse battery' }),
    ).resolves.toBeNull();
  });

  it('when a deploy token is used, then only its own username works with it', async () => {
    const { prisma } = identity;
    const group = await createGroup(prisma);
    const project = await createProject(prisma, { namespace: group });
    const deploy = await createDeployToken(prisma, { project }, ['read_registry']);
    await expect(
      authenticate(prisma, { kind: 'basic', username: deploy.username, password: deploy.token }),
    ).resolves.toMatchObject({ kind: 'deploy_token', credential: `deploy_token:${deploy.id}` });
    await expect(
      authenticate(prisma, { kind: 'basic', username: 'someone-else', password: deploy.token }),
    ).resolves.toBeNull();
    await expect(authenticate(prisma, { kind: 'deploy_token', token: deploy.token })).resolves.not.toBeNull();
  });

  it('when a job token is used, then it works with gitlab-ci-token until the job finishes', async () => {
    const { prisma } = identity;
    const user = await createUser(prisma);
    const project = await createProject(prisma, { namespace: await createGroup(prisma) });
    const job = await createJobToken(prisma, project, user);
    const finished = await createJobToken(prisma, project, user, { finished: true });
    await expect(
      authenticate(prisma, { kind: 'basic', username: 'gitlab-ci-token', password: job.token }),
    ).resolves.toMatchObject({ kind: 'job_token', user: { id: user.id } });
    await expect(authenticate(prisma, { kind: 'job_token', token: job.token })).resolves.not.toBeNull();
    await expect(
      authenticate(prisma, { kind: 'basic', username: 'gitlab-ci-token', password: finished.token }),
    ).resolves.toBeNull();
    await expect(
      authenticate(prisma, { kind: 'basic', username: user.username, password: job.token }),
    ).resolves.toBeNull();
  });
});

describe('access levels', () => {
  let identity: IdentityDb;
  beforeAll(async () => {
    identity = await openIdentityDb();
  });
  afterAll(() => identity.close());

  it('when memberships sit on ancestor groups, then the highest unexpired one counts', async () => {
    const { prisma } = identity;
    const user = await createUser(prisma);
    const top = await createGroup(prisma);
    const sub = await createGroup(prisma, { parent: top });
    const project = await createProject(prisma, { namespace: sub });
    expect(await accessLevelOnProject(prisma, user, project)).toBe(NO_ACCESS);
    await addMember(prisma, user, { group: top }, ACCESS_LEVEL.reporter);
    expect(await accessLevelOnProject(prisma, user, project)).toBe(ACCESS_LEVEL.reporter);
    await addMember(prisma, user, { project }, ACCESS_LEVEL.developer);
    expect(await accessLevelOnProject(prisma, user, project)).toBe(ACCESS_LEVEL.developer);
    await addMember(prisma, user, { group: sub }, ACCESS_LEVEL.owner, new Date(Date.UTC(2020, 0, 1)));
    expect(await accessLevelOnProject(prisma, user, project)).toBe(ACCESS_LEVEL.developer);
    expect(await accessLevelOnNamespace(prisma, user, sub.id)).toBe(ACCESS_LEVEL.reporter);
  });

  it('when a user owns the personal namespace or is an admin, then they are Owner', async () => {
    const { prisma } = identity;
    const user = await createUser(prisma);
    const admin = await createUser(prisma, { admin: true });
    const personal = await prisma.namespace.findUniqueOrThrow({ where: { ownerId: user.id } });
    const project = await createProject(prisma, { namespace: personal });
    expect(await accessLevelOnProject(prisma, user, project)).toBe(ACCESS_LEVEL.owner);
    expect(await accessLevelOnProject(prisma, admin, project)).toBe(ACCESS_LEVEL.owner);
  });
});
