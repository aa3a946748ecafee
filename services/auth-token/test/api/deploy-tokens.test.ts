import request from 'supertest';
import type { Namespace, Project } from '../../src/generated/prisma/client';
import { ACCESS_LEVEL } from '../../src/domain/access-level';
import { authenticate } from '../../src/domain/authenticate';
import { openIdentityApp, type IdentityApp } from '../support/identity-app';
import { addMember, createDeployToken, createGroup, createProject } from '../support/identity-fixtures';
import { eventPayloads, rowText, signedIn } from './support/api-helpers';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('deploy tokens API', () => {
  let identity: IdentityApp;
  let group: Namespace;
  let project: Project;
  let maintainer: Awaited<ReturnType<typeof signedIn>>;
  let developer: Awaited<ReturnType<typeof signedIn>>;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  beforeAll(async () => {
    identity = await openIdentityApp();
    const { prisma } = identity;
    admin = await signedIn(prisma, { admin: true });
    maintainer = await signedIn(prisma);
    developer = await signedIn(prisma);
    group = await createGroup(prisma);
    project = await createProject(prisma, { namespace: group });
    await addMember(prisma, maintainer.user, { group }, ACCESS_LEVEL.maintainer);
    await addMember(prisma, developer.user, { project }, ACCESS_LEVEL.developer);
  });
  afterAll(() => identity.close());

  const projectTokens = (ref: string | number = project.id) =>
    `/api/v4/projects/${encodeURIComponent(String(ref))}/deploy_tokens`;

  it('when a Maintainer creates a project token, then it is shown once, works, and only its digest is stored', async () => {
    const res = await request(identity.app)
      .post(projectTokens(project.fullPath))
      .set(maintainer.headers)
      .send({
        name: 'pull images',
        scopes: ['read_registry', 'read_package_registry'],
        expires_at: inDays(3),
      })
      .expect(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      name: 'pull images',
      username: `gitlab+deploy-token-${res.body.id}`,
      expires_at: expect.any(String),
      revoked: false,
      expired: false,
      scopes: ['read_registry', 'read_package_registry'],
      token: expect.stringMatching(/^gldt-/),
    });
    const stored = await rowText(identity.prisma, 'deploy_tokens', res.body.id);
    expect(stored).not.toContain(res.body.token);
    expect(stored).not.toContain(res.body.token.slice('gldt-'.length));
    await expect(
      authenticate(identity.prisma, { kind: 'basic', username: res.body.username, password: res.body.token }),
    ).resolves.toMatchObject({ kind: 'deploy_token', credential: `deploy_token:${res.body.id}` });

    const shown = await request(identity.app)
      .get(`${projectTokens()}/${res.body.id}`)
      .set(maintainer.headers)
      .expect(200);
    expect(shown.body).not.toHaveProperty('token');
    expect(shown.body.id).toBe(res.body.id);
  });

  it('when a custom username is given, then the token logs in with it; a bad one is refused', async () => {
    const res = await request(identity.app)
      .post(projectTokens())
      .set(maintainer.headers)
      .send({ name: 'custom', scopes: ['write_registry'], username: 'ci.robot+1_x-y' })
      .expect(201);
    expect(res.body.username).toBe('ci.robot+1_x-y');
    await expect(
      authenticate(identity.prisma, { kind: 'basic', username: 'ci.robot+1_x-y', password: res.body.token }),
    ).resolves.toMatchObject({ kind: 'deploy_token' });
    const bad = await request(identity.app)
      .post(projectTokens())
      .set(maintainer.headers)
      .send({ name: 'custom', scopes: ['write_registry'], username: 'has space' })
      .expect(400);
    expect(bad.body).toEqual({
      message: { username: ["can contain only letters, digits, '_', '-', '+', and '.'"] },
    });
  });

  it.each([
    ['a PAT scope', { name: 'x', scopes: ['api'] }, { error: 'scopes does not have a valid value' }],
    ['no scopes', { name: 'x', scopes: [] }, { error: 'scopes is missing' }],
    ['no name', { scopes: ['read_registry'] }, { error: 'name is missing' }],
    [
      'a bad date',
      { name: 'x', scopes: ['read_registry'], expires_at: 'soon' },
      { error: 'expires_at is invalid' },
    ],
    [
      'a past expiry',
      { name: 'x', scopes: ['read_registry'], expires_at: inDays(-1) },
      { message: { expires_at: ['must be in the future'] } },
    ],
  ])('when the body has %s, then 400 and nothing is stored', async (_case, body, error) => {
    const before = await identity.prisma.deployToken.count();
    const res = await request(identity.app)
      .post(projectTokens())
      .set(maintainer.headers)
      .send(body)
      .expect(400);
    expect(res.body).toEqual(error);
    expect(await identity.prisma.deployToken.count()).toBe(before);
  });

  it('when the caller lacks the role, cannot see the project, or is anonymous, then 403, 404 or 401', async () => {
    const body = { name: 'x', scopes: ['read_registry'] };
    await request(identity.app).post(projectTokens()).set(developer.headers).send(body).expect(403);
    await request(identity.app).get(projectTokens()).set(developer.headers).expect(403);
    const stranger = await signedIn(identity.prisma);
    const hidden = await request(identity.app)
      .post(projectTokens())
      .set(stranger.headers)
      .send(body)
      .expect(404);
    expect(hidden.body).toEqual({ message: '404 Project Not Found' });
    await request(identity.app).get(projectTokens('no/such-project')).set(maintainer.headers).expect(404);
    await request(identity.app).post(projectTokens()).send(body).expect(401);

    const publicProject = await createProject(identity.prisma, { namespace: group, visibility: 'public' });
    await request(identity.app).get(projectTokens(publicProject.id)).set(stranger.headers).expect(403);
  });

  it('when a token is deleted, then it is revoked, stops working, and the revocation is announced', async () => {
    const token = await createDeployToken(identity.prisma, { project }, ['read_registry']);
    await request(identity.app).delete(`${projectTokens()}/${token.id}`).set(maintainer.headers).expect(204);
    await expect(
      authenticate(identity.prisma, { kind: 'deploy_token', token: token.token }),
    ).resolves.toBeNull();
    const shown = await request(identity.app).get(`${projectTokens()}/${token.id}`).set(maintainer.headers);
    expect(shown.body).toMatchObject({ revoked: true });
    const events = (await eventPayloads(identity.prisma, 'identity.token.revoked')).filter(
      (payload) => (payload as { credential: string }).credential === `deploy_token:${token.id}`,
    );
    expect(events).toEqual([{ credential: `deploy_token:${token.id}`, revoked_at: expect.any(String) }]);

    await request(identity.app).delete(`${projectTokens()}/${token.id}`).set(maintainer.headers).expect(204);
    expect(
      (await eventPayloads(identity.prisma, 'identity.token.revoked')).filter(
        (payload) => (payload as { credential: string }).credential === `deploy_token:${token.id}`,
      ),
    ).toHaveLength(1);
  });

  it('when a token id belongs to another project, then 404 and it keeps working', async () => {
    const elsewhere = await createProject(identity.prisma, { namespace: group });
    const token = await createDeployToken(identity.prisma, { project: elsewhere }, ['read_registry']);
    const res = await request(identity.app)
      .delete(`${projectTokens()}/${token.id}`)
      .set(maintainer.headers)
      .expect(404);
    expect(res.body).toEqual({ message: '404 Deploy Token Not Found' });
    await expect(
      authenticate(identity.prisma, { kind: 'deploy_token', token: token.token }),
    ).resolves.not.toBeNull();
  });

  it('when listing with active=true, then revoked and expired tokens are left out', async () => {
    const listed = await createProject(identity.prisma, { namespace: group });
    const live = await createDeployToken(identity.prisma, { project: listed }, ['read_registry']);
    await createDeployToken(identity.prisma, { project: listed }, ['read_registry'], { revoked: true });
    await createDeployToken(identity.prisma, { project: listed }, ['read_registry'], {
      expiresAt: new Date(Date.now() - 1000),
    });
    const all = await request(identity.app).get(projectTokens(listed.id)).set(maintainer.headers).expect(200);
    expect(all.body).toHaveLength(3);
    expect(all.headers['x-total']).toBe('3');
    const active = await request(identity.app)
      .get(projectTokens(listed.id))
      .query({ active: true })
      .set(maintainer.headers)
      .expect(200);
    expect(active.body.map((token: { id: number }) => token.id)).toEqual([live.id]);
  });

  describe('group tokens', () => {
    const groupTokens = (ref: string | number) =>
      `/api/v4/groups/${encodeURIComponent(String(ref))}/deploy_tokens`;

    it('when a group Maintainer manages group tokens, then they are created, listed, shown and revoked', async () => {
      const created = await request(identity.app)
        .post(groupTokens(group.fullPath))
        .set(maintainer.headers)
        .send({ name: 'group pull', scopes: 'read_registry,write_registry' })
        .expect(201);
      expect(created.body).toMatchObject({ scopes: ['read_registry', 'write_registry'], expires_at: null });
      const row = await identity.prisma.deployToken.findUniqueOrThrow({ where: { id: created.body.id } });
      expect(row).toMatchObject({ namespaceId: group.id, projectId: null });
      const listed = await request(identity.app)
        .get(groupTokens(group.id))
        .set(maintainer.headers)
        .expect(200);
      expect(listed.body.map((token: { id: number }) => token.id)).toContain(created.body.id);
      await request(identity.app)
        .delete(`${groupTokens(group.id)}/${created.body.id}`)
        .set(maintainer.headers)
        .expect(204);
      await expect(
        authenticate(identity.prisma, { kind: 'deploy_token', token: created.body.token }),
      ).resolves.toBeNull();
    });

    it('when the caller cannot see the group or lacks the role, then 404 or 403', async () => {
      const stranger = await signedIn(identity.prisma);
      const res = await request(identity.app).get(groupTokens(group.id)).set(stranger.headers).expect(404);
      expect(res.body).toEqual({ message: '404 Group Not Found' });
      const guest = await signedIn(identity.prisma);
      await addMember(identity.prisma, guest.user, { group }, ACCESS_LEVEL.guest);
      await request(identity.app).get(groupTokens(group.id)).set(guest.headers).expect(403);
    });
  });

  describe('GET /deploy_tokens', () => {
    it('when an admin lists all tokens, then every project and group token is there; others get 403', async () => {
      const res = await request(identity.app).get('/api/v4/deploy_tokens').set(admin.headers).expect(200);
      expect(res.body.length).toBe(Math.min(20, await identity.prisma.deployToken.count()));
      expect(res.body[0]).not.toHaveProperty('token');
      await request(identity.app).get('/api/v4/deploy_tokens').set(maintainer.headers).expect(403);
      await request(identity.app).get('/api/v4/deploy_tokens').expect(401);
    });
  });
});
