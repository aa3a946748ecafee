import request from 'supertest';
import { routeKey } from '../../src/domain/paths';
import { updateUser } from '../../src/domain/users/update-user';
import { openIdentityApp, type IdentityApp } from '../support/identity-app';
import {
  createGroup,
  createPersonalAccessToken,
  createProject,
  createUser,
} from '../support/identity-fixtures';
import { eventPayloads, signedIn } from './support/api-helpers';

describe('users API', () => {
  let identity: IdentityApp;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  beforeAll(async () => {
    identity = await openIdentityApp();
    admin = await signedIn(identity.prisma, { admin: true });
  });
  afterAll(() => identity.close());

  const newUser = (username: string, extra: Record<string, unknown> = {}) => ({
    username,
    email: `${username}@example.test`,
    name: `Name of ${username}`,
    password: 'a long enough password',
    ...extra,
  });

  describe('GET /user', () => {
    it('when a token of any read scope is used, then the caller sees their own full record', async () => {
      const me = await signedIn(identity.prisma, { scopes: ['read_user'] });
      const res = await request(identity.app).get('/api/v4/user').set(me.headers).expect(200);
      expect(res.body).toEqual({
        id: me.user.id,
        username: me.user.username,
        name: me.user.name,
        state: 'active',
        locked: false,
        avatar_url: null,
        web_url: `http://registry.example.test/${me.user.username}`,
        created_at: me.user.createdAt.toISOString(),
        email: me.user.email,
        is_admin: false,
      });
    });

    it('when nobody signs in, then 401', async () => {
      const res = await request(identity.app).get('/api/v4/user').expect(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });
  });

  describe('POST /users', () => {
    it('when an admin creates a user, then the user, their public personal namespace and its route exist', async () => {
      const res = await request(identity.app)
        .post('/api/v4/users')
        .set(admin.headers)
        .send(newUser('New.Person', { admin: true, skip_confirmation: true }))
        .expect(201);
      expect(res.body).toMatchObject({
        username: 'New.Person',
        name: 'Name of New.Person',
        email: 'New.Person@example.test',
        state: 'active',
        is_admin: true,
      });
      const user = await identity.prisma.user.findUniqueOrThrow({ where: { id: res.body.id } });
      expect(user.passwordHash).toMatch(/^scrypt\$/);
      expect(user.passwordHash).not.toContain('a long enough password');
      const namespace = await identity.prisma.namespace.findUniqueOrThrow({
        where: { ownerId: user.id },
        include: { route: true },
      });
      expect(namespace).toMatchObject({
        kind: 'user',
        path: 'New.Person',
        fullPath: 'New.Person',
        visibility: 'public',
      });
      expect(namespace.route).toMatchObject({ pathKey: 'new.person', fullPath: 'New.Person' });
    });

    it('when the caller is not an admin, then 403; when anonymous, then 401', async () => {
      const someone = await signedIn(identity.prisma);
      await request(identity.app)
        .post('/api/v4/users')
        .set(someone.headers)
        .send(newUser('nope1'))
        .expect(403);
      await request(identity.app).post('/api/v4/users').send(newUser('nope2')).expect(401);
      expect(await identity.prisma.user.count({ where: { usernameKey: { in: ['nope1', 'nope2'] } } })).toBe(
        0,
      );
    });

    it('when required parameters are missing, then Grape names them', async () => {
      const res = await request(identity.app).post('/api/v4/users').set(admin.headers).send({}).expect(400);
      expect(res.body).toEqual({ error: 'username is missing, email is missing, name is missing' });
      const noPassword = await request(identity.app)
        .post('/api/v4/users')
        .set(admin.headers)
        .send({ username: 'nopass', email: 'nopass@example.test', name: 'No Pass' })
        .expect(400);
      expect(noPassword.body.error).toMatch(/at least one parameter must be provided/);
    });

    it('when the username or email is taken in any case, then 400 names the field and nothing is stored', async () => {
      await createUser(identity.prisma, { username: 'Taken' });
      const byName = await request(identity.app)
        .post('/api/v4/users')
        .set(admin.headers)
        .send(newUser('taken', { email: 'fresh@example.test' }))
        .expect(400);
      expect(byName.body).toEqual({ message: { username: ['has already been taken'] } });
      const byEmail = await request(identity.app)
        .post('/api/v4/users')
        .set(admin.headers)
        .send(newUser('fresh', { email: 'TAKEN@example.TEST' }))
        .expect(400);
      expect(byEmail.body).toEqual({ message: { email: ['has already been taken'] } });
      expect(await identity.prisma.user.count({ where: { usernameKey: 'fresh' } })).toBe(0);
    });

    it('when the username is a group path, then it is taken', async () => {
      await createGroup(identity.prisma, { path: 'Some-Group' });
      const res = await request(identity.app)
        .post('/api/v4/users')
        .set(admin.headers)
        .send(newUser('some-group'))
        .expect(400);
      expect(res.body).toEqual({ message: { username: ['has already been taken'] } });
    });

    it('when fields break the rules, then each problem is named', async () => {
      const res = await request(identity.app)
        .post('/api/v4/users')
        .set(admin.headers)
        .send(newUser('api', { password: 'short', name: 'x'.repeat(256), email: 'not-an-email' }))
        .expect(400);
      expect(res.body).toEqual({
        message: {
          username: ['is reserved'],
          email: ['is invalid'],
          name: ['is too long (maximum is 255 characters)'],
          password: ['is too short (minimum is 8 characters)'],
        },
      });
      const badPath = await request(identity.app)
        .post('/api/v4/users')
        .set(admin.headers)
        .send(newUser('-bad'))
        .expect(400);
      expect(Object.keys(badPath.body.message)).toEqual(['username']);
      const longPassword = await request(identity.app)
        .post('/api/v4/users')
        .set(admin.headers)
        .send(newUser('longpass', { password: 'p'.repeat(129) }))
        .expect(400);
      expect(longPassword.body).toEqual({
        message: { password: ['is too long (maximum is 128 characters)'] },
      });
    });

    it('when the namespace cannot be written, then the user is not created either', async () => {
      // A constraint the namespace insert trips over, after the user row went in.
      await identity.prisma.$executeRawUnsafe(
        `ALTER TABLE "auth_token"."namespaces" ADD CONSTRAINT test_refuse CHECK (path <> 'doomed')`,
      );
      try {
        await request(identity.app)
          .post('/api/v4/users')
          .set(admin.headers)
          .send(newUser('doomed'))
          .expect(500);
      } finally {
        await identity.prisma.$executeRawUnsafe(
          `ALTER TABLE "auth_token"."namespaces" DROP CONSTRAINT test_refuse`,
        );
      }
      expect(await identity.prisma.user.count({ where: { usernameKey: 'doomed' } })).toBe(0);
      expect(await identity.prisma.namespace.count({ where: { path: 'doomed' } })).toBe(0);
      expect(await identity.prisma.route.count({ where: { pathKey: 'doomed' } })).toBe(0);
      // And the name is free for a later attempt.
      await request(identity.app)
        .post('/api/v4/users')
        .set(admin.headers)
        .send(newUser('doomed'))
        .expect(201);
    });
  });

  describe('GET /users', () => {
    it('when a non-admin lists users, then only public fields are shown', async () => {
      const someone = await signedIn(identity.prisma);
      const res = await request(identity.app)
        .get('/api/v4/users')
        .query({ username: someone.user.username.toUpperCase() })
        .set(someone.headers)
        .expect(200);
      expect(res.body).toEqual([
        expect.objectContaining({ id: someone.user.id, username: someone.user.username }),
      ]);
      expect(res.body[0]).not.toHaveProperty('email');
      expect(res.body[0]).not.toHaveProperty('is_admin');
    });

    it('when an admin lists users, then emails and admin flags are shown', async () => {
      const res = await request(identity.app)
        .get('/api/v4/users')
        .query({ username: admin.user.username })
        .set(admin.headers)
        .expect(200);
      expect(res.body).toEqual([expect.objectContaining({ email: admin.user.email, is_admin: true })]);
    });

    it('when searching, then email matches count for admins only', async () => {
      await createUser(identity.prisma, { username: 'searchable' });
      const someone = await signedIn(identity.prisma);
      const byEmailAsUser = await request(identity.app)
        .get('/api/v4/users')
        .query({ search: 'searchable@example' })
        .set(someone.headers)
        .expect(200);
      expect(byEmailAsUser.body).toEqual([]);
      const byEmailAsAdmin = await request(identity.app)
        .get('/api/v4/users')
        .query({ search: 'SEARCHABLE@example' })
        .set(admin.headers)
        .expect(200);
      expect(byEmailAsAdmin.body.map((user: { username: string }) => user.username)).toEqual(['searchable']);
      const byName = await request(identity.app)
        .get('/api/v4/users')
        .query({ search: 'earchab' })
        .set(someone.headers)
        .expect(200);
      expect(byName.body.map((user: { username: string }) => user.username)).toEqual(['searchable']);
    });

    it('when anonymous, then only a lookup by username is allowed', async () => {
      const res = await request(identity.app).get('/api/v4/users').expect(403);
      expect(res.body).toEqual({ message: '403 Forbidden - Not authorized to access /api/v4/users' });
      const lookup = await request(identity.app)
        .get('/api/v4/users')
        .query({ username: admin.user.username })
        .expect(200);
      expect(lookup.body).toEqual([expect.not.objectContaining({ email: expect.anything() })]);
    });

    it('when the list spans pages, then GitLab pagination headers describe it', async () => {
      const total = await identity.prisma.user.count();
      const res = await request(identity.app)
        .get('/api/v4/users')
        .query({ per_page: 2, page: 2 })
        .set(admin.headers)
        .expect(200);
      expect(res.body).toHaveLength(2);
      expect(res.headers).toMatchObject({
        'x-total': String(total),
        'x-total-pages': String(Math.ceil(total / 2)),
        'x-per-page': '2',
        'x-page': '2',
        'x-next-page': '3',
        'x-prev-page': '1',
      });
      expect(res.headers.link).toContain(
        '<http://registry.example.test/api/v4/users?per_page=2&page=3>; rel="next"',
      );
      const [newest] = await identity.prisma.user.findMany({ orderBy: { id: 'desc' }, skip: 2, take: 1 });
      expect(res.body[0].id).toBe(newest!.id);
    });
  });

  describe('GET /users/:id', () => {
    it('when the user exists, then others see the basic shape and the user themself the full one', async () => {
      const someone = await signedIn(identity.prisma);
      const other = await request(identity.app)
        .get(`/api/v4/users/${admin.user.id}`)
        .set(someone.headers)
        .expect(200);
      expect(other.body).not.toHaveProperty('email');
      const self = await request(identity.app)
        .get(`/api/v4/users/${someone.user.id}`)
        .set(someone.headers)
        .expect(200);
      expect(self.body).toMatchObject({ email: someone.user.email, is_admin: false });
    });

    it('when the user does not exist or the id is not a number, then 404 or 400', async () => {
      const missing = await request(identity.app).get('/api/v4/users/999999').set(admin.headers).expect(404);
      expect(missing.body).toEqual({ message: '404 User Not Found' });
      const bad = await request(identity.app).get('/api/v4/users/abc').set(admin.headers).expect(400);
      expect(bad.body).toEqual({ error: 'id is invalid' });
    });
  });

  describe('PUT /users/:id', () => {
    it('when an admin renames a user, then their namespace, routes and projects move and each move is announced', async () => {
      const user = await createUser(identity.prisma, { username: 'before-rename' });
      const personal = await identity.prisma.namespace.findUniqueOrThrow({ where: { ownerId: user.id } });
      const project = await createProject(identity.prisma, { namespace: personal, path: 'thing' });
      const res = await request(identity.app)
        .put(`/api/v4/users/${user.id}`)
        .set(admin.headers)
        .send({ username: 'After-Rename', name: 'Renamed Person' })
        .expect(200);
      expect(res.body).toMatchObject({ username: 'After-Rename', name: 'Renamed Person' });
      const moved = await identity.prisma.namespace.findUniqueOrThrow({
        where: { id: personal.id },
        include: { route: true },
      });
      expect(moved).toMatchObject({ path: 'After-Rename', fullPath: 'After-Rename', name: 'Renamed Person' });
      expect(moved.route?.pathKey).toBe('after-rename');
      const movedProject = await identity.prisma.project.findUniqueOrThrow({
        where: { id: project.id },
        include: { route: true },
      });
      expect(movedProject.fullPath).toBe('After-Rename/thing');
      expect(movedProject.route?.pathKey).toBe(routeKey('After-Rename/thing'));
      expect(await eventPayloads(identity.prisma, 'identity.project.updated')).toContainEqual({
        project_id: project.id,
        full_path: 'After-Rename/thing',
        previous_full_path: 'before-rename/thing',
      });
    });

    it('when the new username is a group path, or the rename guard refuses, then 400 and nothing moves', async () => {
      const user = await createUser(identity.prisma, { username: 'stays-put' });
      const personal = await identity.prisma.namespace.findUniqueOrThrow({ where: { ownerId: user.id } });
      await createProject(identity.prisma, { namespace: personal, path: 'images' });
      await createGroup(identity.prisma, { path: 'occupied' });
      const res = await request(identity.app)
        .put(`/api/v4/users/${user.id}`)
        .set(admin.headers)
        .send({ username: 'Occupied' })
        .expect(400);
      expect(res.body).toEqual({ message: { username: ['has already been taken'] } });

      const refusing = { refusalFor: async () => 'cannot move a project that has container images' };
      const result = await updateUser(identity.prisma, user.id, { username: 'moved-away' }, refusing);
      expect(result).toEqual({
        kind: 'invalid',
        problems: { username: ['cannot move a project that has container images'] },
      });
      expect(await identity.prisma.project.count({ where: { fullPath: 'stays-put/images' } })).toBe(1);
      expect((await identity.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).username).toBe(
        'stays-put',
      );
    });

    it('when the new email is taken, then 400 and nothing changes', async () => {
      const user = await createUser(identity.prisma);
      const res = await request(identity.app)
        .put(`/api/v4/users/${user.id}`)
        .set(admin.headers)
        .send({ email: admin.user.email.toUpperCase(), name: 'Changed' })
        .expect(400);
      expect(res.body).toEqual({ message: { email: ['has already been taken'] } });
      expect((await identity.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).name).toBe(user.name);
    });

    it('when the caller is not an admin or the user is missing, then 403 or 404', async () => {
      const someone = await signedIn(identity.prisma);
      await request(identity.app)
        .put(`/api/v4/users/${someone.user.id}`)
        .set(someone.headers)
        .send({})
        .expect(403);
      await request(identity.app)
        .put('/api/v4/users/999999')
        .set(admin.headers)
        .send({ name: 'x' })
        .expect(404);
    });
  });

  describe('block and unblock', () => {
    it('when an admin blocks a user, then their tokens stop working, the rows stay, and the block is announced', async () => {
      const victim = await signedIn(identity.prisma);
      await request(identity.app).get('/api/v4/user').set(victim.headers).expect(200);
      const res = await request(identity.app)
        .post(`/api/v4/users/${victim.user.id}/block`)
        .set(admin.headers)
        .expect(201);
      expect(res.body).toBe(true);
      await request(identity.app).get('/api/v4/user').set(victim.headers).expect(401);
      const row = await identity.prisma.user.findUniqueOrThrow({ where: { id: victim.user.id } });
      expect(row.state).toBe('blocked');
      expect(await identity.prisma.personalAccessToken.count({ where: { userId: victim.user.id } })).toBe(1);
      const blocked = (await eventPayloads(identity.prisma, 'identity.user.blocked')).filter(
        (payload) => (payload as { user_id: number }).user_id === victim.user.id,
      );
      expect(blocked).toEqual([{ user_id: victim.user.id, blocked_at: expect.any(String) }]);

      // Blocking again changes nothing and announces nothing.
      await request(identity.app)
        .post(`/api/v4/users/${victim.user.id}/block`)
        .set(admin.headers)
        .expect(201);
      expect(
        (await eventPayloads(identity.prisma, 'identity.user.blocked')).filter(
          (payload) => (payload as { user_id: number }).user_id === victim.user.id,
        ),
      ).toHaveLength(1);

      await request(identity.app)
        .post(`/api/v4/users/${victim.user.id}/unblock`)
        .set(admin.headers)
        .expect(201);
      await request(identity.app).get('/api/v4/user').set(victim.headers).expect(200);
      expect(await eventPayloads(identity.prisma, 'identity.user.unblocked')).toContainEqual({
        user_id: victim.user.id,
      });
    });

    it('when an admin tries to block themself, then 403', async () => {
      const res = await request(identity.app)
        .post(`/api/v4/users/${admin.user.id}/block`)
        .set(admin.headers)
        .expect(403);
      expect(res.body).toEqual({ message: '403 Forbidden - You cannot block yourself' });
    });

    it('when a non-admin blocks, or the user is missing, then 403 or 404', async () => {
      const someone = await signedIn(identity.prisma);
      const target = await createUser(identity.prisma);
      await createPersonalAccessToken(identity.prisma, target, ['api']);
      await request(identity.app).post(`/api/v4/users/${target.id}/block`).set(someone.headers).expect(403);
      await request(identity.app).post('/api/v4/users/999999/block').set(admin.headers).expect(404);
      expect((await identity.prisma.user.findUniqueOrThrow({ where: { id: target.id } })).state).toBe(
        'active',
      );
    });
  });
});
