import { PassThrough } from 'node:stream';
import request from 'supertest';
import { createLogger } from '@stowage/logging';
import { openIdentityApp, TEST_EXTERNAL_URL, type IdentityApp } from '../support/identity-app';
import { addMember, createGroup, createProject, createUser } from '../support/identity-fixtures';
import { eventsOf, signedIn, uniquePath } from './api-test-helpers';

const isoDate = (daysFromToday: number) => {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + daysFromToday);
  return date.toISOString().slice(0, 10);
};

describe('members API', () => {
  let identity: IdentityApp;
  const logLines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
    });
    identity = await openIdentityApp({ logger: createLogger({ service: 'auth-token', stream }) });
  });
  afterAll(() => identity?.close());

  it('when a Maintainer adds a user to a project, then 201 with GitLab member JSON, an event and an audit line', async () => {
    const { prisma, app } = identity;
    const maintainer = await signedIn(prisma);
    const newcomer = await createUser(prisma);
    const group = await createGroup(prisma, { path: uniquePath('m') });
    const project = await createProject(prisma, { namespace: group });
    await addMember(prisma, maintainer.user, { project }, 40);
    const expiresAt = isoDate(30);

    const res = await request(app)
      .post(`/api/v4/projects/${encodeURIComponent(project.fullPath)}/members`)
      .set(maintainer.auth)
      .send({ user_id: newcomer.id, access_level: 30, expires_at: expiresAt });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: newcomer.id,
      username: newcomer.username,
      name: newcomer.name,
      state: 'active',
      avatar_url: null,
      web_url: `${TEST_EXTERNAL_URL}/${newcomer.username}`,
      access_level: 30,
      created_at: expect.any(String),
      expires_at: expiresAt,
      membership_state: 'active',
    });
    expect(await eventsOf(prisma, 'identity.membership.changed')).toContainEqual({
      user_id: newcomer.id,
      project_id: project.id,
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(logLines).toContainEqual(
      expect.objectContaining({
        audit: true,
        event: 'membership.changed',
        action: 'added',
        actor_id: maintainer.user.id,
        user_id: newcomer.id,
        project_id: project.id,
        access_level: 30,
      }),
    );
  });

  it('when the request is wrong, then each mistake gets GitLab’s answer and nothing is stored', async () => {
    const { prisma, app } = identity;
    const owner = await signedIn(prisma);
    const existing = await createUser(prisma);
    const other = await createUser(prisma);
    const group = await createGroup(prisma, { path: uniquePath('err') });
    await addMember(prisma, owner.user, { group }, 50);
    await addMember(prisma, existing, { group }, 20);
    const url = `/api/v4/groups/${group.id}/members`;
    const before = await prisma.member.count();

    const cases: [Record<string, unknown>, number, unknown][] = [
      [{ user_id: existing.id, access_level: 30 }, 409, { message: 'Member already exists' }],
      [{ user_id: 99999999, access_level: 30 }, 404, { message: '404 User Not Found' }],
      [{ user_id: other.id, access_level: 35 }, 400, { error: 'access_level does not have a valid value' }],
      [{ user_id: other.id, access_level: 60 }, 400, { error: 'access_level does not have a valid value' }],
      [{ user_id: other.id }, 400, { error: 'access_level is missing' }],
      [
        { access_level: 30 },
        400,
        { error: 'user_id, username are missing, exactly one parameter must be provided' },
      ],
      [
        { user_id: other.id, access_level: 30, expires_at: isoDate(-1) },
        400,
        { message: { expires_at: ['cannot be a date in the past'] } },
      ],
      [
        { user_id: other.id, access_level: 30, expires_at: isoDate(0) },
        400,
        { message: { expires_at: ['cannot be a date in the past'] } },
      ],
    ];
    for (const [body, status, answer] of cases) {
      const res = await request(app).post(url).set(owner.auth).send(body);
      expect({ body, status: res.status, answer: res.body }).toEqual({ body, status, answer });
    }
    expect(await prisma.member.count()).toBe(before);

    const byName = await request(app)
      .post(url)
      .set(owner.auth)
      .send({ username: other.username.toUpperCase(), access_level: '20' });
    expect(byName.status).toBe(201);
    expect(byName.body).toMatchObject({ id: other.id, access_level: 20, expires_at: null });
  });

  it('when a Developer manages members, or a Maintainer touches Owner, then 403; an Owner may grant Owner', async () => {
    const { prisma, app } = identity;
    const owner = await signedIn(prisma);
    const maintainer = await signedIn(prisma);
    const developer = await signedIn(prisma);
    const target = await createUser(prisma);
    const group = await createGroup(prisma, { path: uniquePath('perm') });
    await addMember(prisma, owner.user, { group }, 50);
    await addMember(prisma, maintainer.user, { group }, 40);
    await addMember(prisma, developer.user, { group }, 30);
    const url = `/api/v4/groups/${group.id}/members`;

    const byDeveloper = await request(app)
      .post(url)
      .set(developer.auth)
      .send({ user_id: target.id, access_level: 10 });
    expect(byDeveloper.status).toBe(403);
    const grantOwner = await request(app)
      .post(url)
      .set(maintainer.auth)
      .send({ user_id: target.id, access_level: 50 });
    expect(grantOwner.status).toBe(403);
    const demoteOwner = await request(app)
      .put(`${url}/${owner.user.id}`)
      .set(maintainer.auth)
      .send({ access_level: 40 });
    expect(demoteOwner.status).toBe(403);
    const removeOwner = await request(app).delete(`${url}/${owner.user.id}`).set(maintainer.auth);
    expect(removeOwner.status).toBe(403);

    const guest = await request(app)
      .post(url)
      .set(maintainer.auth)
      .send({ user_id: target.id, access_level: 10 });
    expect(guest.status).toBe(201);
    const promoted = await request(app).put(`${url}/${target.id}`).set(owner.auth).send({ access_level: 50 });
    expect(promoted.status).toBe(200);
    expect(promoted.body.access_level).toBe(50);
  });

  it('when the last Owner of a top-level group would be demoted or removed, then 403 until another Owner exists', async () => {
    const { prisma, app } = identity;
    const owner = await signedIn(prisma);
    const second = await createUser(prisma);
    const group = await createGroup(prisma, { path: uniquePath('last') });
    await addMember(prisma, owner.user, { group }, 50);
    const url = `/api/v4/groups/${group.id}/members`;

    const demote = await request(app)
      .put(`${url}/${owner.user.id}`)
      .set(owner.auth)
      .send({ access_level: 40 });
    expect(demote.status).toBe(403);
    const leave = await request(app).delete(`${url}/${owner.user.id}`).set(owner.auth);
    expect(leave.status).toBe(403);
    await expect(
      prisma.member.findFirst({ where: { namespaceId: group.id, userId: owner.user.id } }),
    ).resolves.toMatchObject({ accessLevel: 50 });

    await request(app).post(url).set(owner.auth).send({ user_id: second.id, access_level: 50 }).expect(201);
    const left = await request(app).delete(`${url}/${owner.user.id}`).set(owner.auth);
    expect(left.status).toBe(204);
    expect(await eventsOf(prisma, 'identity.membership.changed')).toContainEqual({
      user_id: owner.user.id,
      namespace_id: group.id,
    });
  });

  it('when a subgroup loses its only Owner member, then that is allowed (the parent’s Owners remain)', async () => {
    const { prisma, app } = identity;
    const owner = await signedIn(prisma);
    const top = await createGroup(prisma, { path: uniquePath('top') });
    const sub = await createGroup(prisma, { path: 'sub', parent: top });
    await addMember(prisma, owner.user, { group: top }, 50);
    await addMember(prisma, owner.user, { group: sub }, 50);
    const res = await request(app)
      .delete(`/api/v4/groups/${sub.id}/members/${owner.user.id}`)
      .set(owner.auth);
    expect(res.status).toBe(204);
  });

  it('when listing members, then direct ones are paginated and /all holds inherited ones at their highest level', async () => {
    const { prisma, app } = identity;
    const viewer = await signedIn(prisma);
    const [a, b, c] = [await createUser(prisma), await createUser(prisma), await createUser(prisma)];
    const top = await createGroup(prisma, { path: uniquePath('all'), visibility: 'internal' });
    const sub = await createGroup(prisma, { path: 'sub', parent: top, visibility: 'internal' });
    const project = await createProject(prisma, { namespace: sub, visibility: 'internal' });
    await addMember(prisma, a, { group: top }, 40);
    await addMember(prisma, a, { project }, 20);
    await addMember(prisma, b, { group: sub }, 10);
    await addMember(prisma, b, { project }, 30);
    await addMember(prisma, c, { group: top }, 50, new Date(Date.UTC(2020, 0, 1)));

    const direct = await request(app)
      .get(`/api/v4/projects/${project.id}/members?per_page=1`)
      .set(viewer.auth);
    expect(direct.status).toBe(200);
    expect(direct.body.map((m: { id: number }) => m.id)).toEqual([a.id]);
    expect(direct.headers).toMatchObject({ 'x-total': '2', 'x-next-page': '2' });

    const all = await request(app).get(`/api/v4/projects/${project.id}/members/all`).set(viewer.auth);
    expect(all.body.map((m: { id: number; access_level: number }) => [m.id, m.access_level])).toEqual([
      [a.id, 40],
      [b.id, 30],
    ]);
    const one = await request(app).get(`/api/v4/projects/${project.id}/members/all/${a.id}`).set(viewer.auth);
    expect(one.body).toMatchObject({ id: a.id, access_level: 40 });
    const notDirect = await request(app).get(`/api/v4/groups/${sub.id}/members/${a.id}`).set(viewer.auth);
    expect(notDirect.status).toBe(404);
    const search = await request(app)
      .get(`/api/v4/groups/${top.id}/members?query=${a.username.toUpperCase()}`)
      .set(viewer.auth);
    expect(search.body.map((m: { id: number }) => m.id)).toEqual([a.id]);
  });

  it('when a project sits in a personal namespace, then its owner shows in /members/all as Owner', async () => {
    const { prisma, app } = identity;
    const { user, auth } = await signedIn(prisma);
    const own = await prisma.namespace.findUniqueOrThrow({ where: { ownerId: user.id } });
    const project = await createProject(prisma, { namespace: own });
    const res = await request(app).get(`/api/v4/projects/${project.id}/members/all`).set(auth);
    expect(res.body).toEqual([expect.objectContaining({ id: user.id, access_level: 50 })]);
  });

  it('when a private source is invisible to the caller, then its members are 404 too', async () => {
    const { prisma, app } = identity;
    const stranger = await signedIn(prisma);
    const group = await createGroup(prisma, { path: uniquePath('priv') });
    const res = await request(app).get(`/api/v4/groups/${group.id}/members`).set(stranger.auth);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: '404 Group Not Found' });
    const anonymous = await request(app)
      .post(`/api/v4/groups/${group.id}/members`)
      .send({ user_id: 1, access_level: 10 });
    expect(anonymous.status).toBe(401);
  });

  it('when a member updates expiry or leaves, then the change is stored; unknown members are 404', async () => {
    const { prisma, app } = identity;
    const maintainer = await signedIn(prisma);
    const member = await signedIn(prisma);
    const group = await createGroup(prisma, { path: uniquePath('upd') });
    const project = await createProject(prisma, { namespace: group });
    await addMember(prisma, maintainer.user, { project }, 40);
    await addMember(prisma, member.user, { project }, 20);
    const url = `/api/v4/projects/${project.id}/members`;

    const updated = await request(app)
      .put(`${url}/${member.user.id}`)
      .set(maintainer.auth)
      .send({ access_level: 30, expires_at: isoDate(10) });
    expect(updated.body).toMatchObject({ access_level: 30, expires_at: isoDate(10) });
    const cleared = await request(app)
      .put(`${url}/${member.user.id}`)
      .set(maintainer.auth)
      .send({ access_level: 30, expires_at: '' });
    expect(cleared.body.expires_at).toBeNull();
    const unknown = await request(app).put(`${url}/99999999`).set(maintainer.auth).send({ access_level: 30 });
    expect(unknown.status).toBe(404);
    const badId = await request(app).delete(`${url}/abc`).set(maintainer.auth);
    expect(badId.status).toBe(400);

    const leave = await request(app).delete(`${url}/${member.user.id}`).set(member.auth);
    expect(leave.status).toBe(204);
    expect(await prisma.member.count({ where: { projectId: project.id, userId: member.user.id } })).toBe(0);
  });
});
