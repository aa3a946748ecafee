import request from 'supertest';
import { createGroup as createGroupWith } from '../../src/domain/groups/create-group';
import { updateGroup } from '../../src/domain/groups/update-group';
import { routeKey } from '../../src/domain/paths';
import { onUniqueViolation } from '../../src/domain/routes';
import { RuleViolation } from '../../src/domain/rule-violation';
import { openIdentityApp, TEST_EXTERNAL_URL, type IdentityApp } from '../support/identity-app';
import { addMember, createGroup, createProject, createUser } from '../support/identity-fixtures';
import { eventsOf, signedIn, uniquePath } from './api-test-helpers';

describe('groups API', () => {
  let identity: IdentityApp;
  beforeAll(async () => {
    identity = await openIdentityApp();
  });
  afterAll(() => identity?.close());

  describe('POST /groups', () => {
    it('when a signed-in user creates a top-level group, then they are its Owner and it has a route', async () => {
      const { prisma, app } = identity;
      const { user, auth } = await signedIn(prisma);
      const path = uniquePath('Team');

      const res = await request(app)
        .post('/api/v4/groups')
        .set(auth)
        .send({ name: 'The Team', path, visibility: 'internal', description: 'ours' });

      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        name: 'The Team',
        path,
        description: 'ours',
        visibility: 'internal',
        full_name: 'The Team',
        full_path: path,
        parent_id: null,
        avatar_url: null,
        web_url: `${TEST_EXTERNAL_URL}/groups/${path}`,
        created_at: expect.any(String),
      });
      const member = await prisma.member.findFirst({ where: { namespaceId: res.body.id } });
      expect(member).toMatchObject({ userId: user.id, accessLevel: 50 });
      await expect(prisma.route.findUnique({ where: { pathKey: routeKey(path) } })).resolves.toMatchObject({
        namespaceId: res.body.id,
        fullPath: path,
      });
      expect(await eventsOf(prisma, 'identity.membership.changed')).toContainEqual({
        user_id: user.id,
        namespace_id: res.body.id,
      });
    });

    it('when anonymous, then 401', async () => {
      const res = await request(identity.app)
        .post('/api/v4/groups')
        .send({ name: 'x', path: uniquePath('x') });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });

    it('when name or path is missing, then Grape names them', async () => {
      const { auth } = await signedIn(identity.prisma);
      const res = await request(identity.app).post('/api/v4/groups').set(auth).send({});
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'name is missing, path is missing' });
    });

    it('when the visibility is unknown, then 400 "does not have a valid value"', async () => {
      const { auth } = await signedIn(identity.prisma);
      const res = await request(identity.app)
        .post('/api/v4/groups')
        .set(auth)
        .send({ name: 'x', path: uniquePath('x'), visibility: 'secret' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'visibility does not have a valid value' });
    });

    it('when the path is taken by a group, a user namespace or a project in any case, then 400 and nothing is stored', async () => {
      const { prisma, app } = identity;
      const { user, auth } = await signedIn(prisma);
      const group = await createGroup(prisma, { path: uniquePath('taken') });
      const project = await createProject(prisma, { namespace: group, path: 'proj' });
      const before = await prisma.namespace.count();

      for (const body of [
        { name: 'a', path: group.path.toUpperCase() },
        { name: 'b', path: user.username.toUpperCase() },
        { name: 'c', path: 'proj', parent_id: group.id },
      ]) {
        if (body.parent_id) await addMember(prisma, user, { group }, 40);
        const res = await request(app).post('/api/v4/groups').set(auth).send(body);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ message: { path: ['has already been taken'] } });
      }
      expect(await prisma.namespace.count()).toBe(before);
      expect(project.fullPath).toBe(`${group.path}/proj`);
    });

    it('when the path, name or nesting break the rules, then 400 names the field', async () => {
      const { prisma, app } = identity;
      const { auth } = await signedIn(prisma);
      const cases: [Record<string, unknown>, Record<string, unknown[]>][] = [
        [{ name: 'x', path: '-bad' }, { path: [expect.stringContaining('can contain only')] }],
        [{ name: 'x', path: 'api' }, { path: ['is reserved'] }],
        [{ name: '   ', path: uniquePath('blank') }, { name: ["can't be blank"] }],
        [
          { name: 'n'.repeat(256), path: uniquePath('long') },
          { name: ['is too long (maximum is 255 characters)'] },
        ],
      ];
      for (const [body, message] of cases) {
        const res = await request(app).post('/api/v4/groups').set(auth).send(body);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ message });
      }
    });

    it('when two requests race for one path, then one wins and the other gets 400, never 500', async () => {
      const { prisma, app } = identity;
      const { auth } = await signedIn(prisma);
      const path = uniquePath('race');
      const results = await Promise.all(
        [1, 2].map(() => request(app).post('/api/v4/groups').set(auth).send({ name: 'r', path })),
      );
      expect(results.map((res) => res.status).sort()).toEqual([201, 400]);
    });

    it('when a unique index refuses a row, then the write reports the path as taken', async () => {
      const { prisma } = identity;
      const group = await createGroup(prisma, { path: uniquePath('dup') });
      const insertDuplicate = () =>
        prisma.route.create({
          data: { pathKey: routeKey(group.fullPath), fullPath: group.fullPath, namespaceId: group.id },
        });
      await expect(onUniqueViolation(insertDuplicate, () => RuleViolation.pathTaken())).rejects.toMatchObject(
        {
          kind: 'invalid_field',
          field: 'path',
          message: 'has already been taken',
        },
      );
    });
  });

  describe('subgroups', () => {
    it('when a Maintainer of the parent creates a subgroup, then it nests; a Developer gets 403', async () => {
      const { prisma, app } = identity;
      const parent = await createGroup(prisma, { path: uniquePath('parent'), visibility: 'internal' });
      const maintainer = await signedIn(prisma);
      const developer = await signedIn(prisma);
      await addMember(prisma, maintainer.user, { group: parent }, 40);
      await addMember(prisma, developer.user, { group: parent }, 30);

      const denied = await request(app)
        .post('/api/v4/groups')
        .set(developer.auth)
        .send({ name: 'Sub', path: 'sub', parent_id: parent.id });
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({ message: '403 Forbidden' });

      const res = await request(app)
        .post('/api/v4/groups')
        .set(maintainer.auth)
        .send({ name: 'Sub', path: 'sub', parent_id: parent.id });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        full_path: `${parent.fullPath}/sub`,
        full_name: `${parent.name} / Sub`,
        parent_id: parent.id,
        visibility: 'private',
      });
    });

    it('when the parent is invisible to the caller, then 404', async () => {
      const { prisma, app } = identity;
      const parent = await createGroup(prisma, { path: uniquePath('hidden') });
      const { auth } = await signedIn(prisma);
      const res = await request(app)
        .post('/api/v4/groups')
        .set(auth)
        .send({ name: 's', path: 's', parent_id: parent.id });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 Group Not Found' });
    });

    it('when a subgroup would be more visible than its parent, then 400 on visibility_level', async () => {
      const { prisma, app } = identity;
      const parent = await createGroup(prisma, { path: uniquePath('priv') });
      const { user, auth } = await signedIn(prisma);
      await addMember(prisma, user, { group: parent }, 50);
      const res = await request(app)
        .post('/api/v4/groups')
        .set(auth)
        .send({ name: 's', path: 's', parent_id: parent.id, visibility: 'public' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        message: {
          visibility_level: ['public is not allowed since the parent group has a private visibility.'],
        },
      });
    });

    it('when groups are nested 20 deep, then a 21st level is refused', async () => {
      const { prisma } = identity;
      const owner = await createUser(prisma);
      let group = await createGroup(prisma, { path: uniquePath('deep') });
      await addMember(prisma, owner, { group }, 50);
      for (let level = 2; level <= 20; level++) {
        group = await createGroupWith(prisma, owner, {
          name: `l${level}`,
          path: `l${level}`,
          parentId: group.id,
        });
      }
      await expect(
        createGroupWith(prisma, owner, { name: 'l21', path: 'l21', parentId: group.id }),
      ).rejects.toMatchObject({ kind: 'invalid_field', field: 'parent_id' });
    });

    it('when listing subgroups and group projects, then only visible ones come, paginated', async () => {
      const { prisma, app } = identity;
      const top = await createGroup(prisma, { path: uniquePath('top'), visibility: 'public' });
      const pub = await createGroup(prisma, { path: 'pub', parent: top, visibility: 'public' });
      await createGroup(prisma, { path: 'priv', parent: top, visibility: 'private' });
      await createProject(prisma, { namespace: top, path: 'visible', visibility: 'public' });
      await createProject(prisma, { namespace: top, path: 'hidden', visibility: 'private' });
      await createProject(prisma, { namespace: pub, path: 'nested', visibility: 'public' });

      const subgroups = await request(app).get(`/api/v4/groups/${top.id}/subgroups`);
      expect(subgroups.status).toBe(200);
      expect(subgroups.body.map((g: { path: string }) => g.path)).toEqual(['pub']);
      expect(subgroups.headers['x-total']).toBe('1');

      const projects = await request(app).get(
        `/api/v4/groups/${encodeURIComponent(top.fullPath)}/projects?per_page=1`,
      );
      expect(projects.status).toBe(200);
      expect(projects.body.map((p: { path: string }) => p.path)).toEqual(['visible']);
      expect(projects.headers['x-total']).toBe('1');

      const withSubgroups = await request(app).get(
        `/api/v4/groups/${top.id}/projects?include_subgroups=true&order_by=path&sort=asc`,
      );
      expect(withSubgroups.body.map((p: { path: string }) => p.path)).toEqual(['nested', 'visible']);
    });
  });

  describe('GET /groups', () => {
    it('when a user lists groups, then they see public, internal and their own private ones, with pagination headers', async () => {
      const { prisma, app } = identity;
      const tag = uniquePath('lst');
      const { user, auth } = await signedIn(prisma);
      const mine = await createGroup(prisma, { path: `${tag}-mine` });
      await addMember(prisma, user, { group: mine }, 50);
      await createGroup(prisma, { path: `${tag}-public`, visibility: 'public' });
      await createGroup(prisma, { path: `${tag}-internal`, visibility: 'internal' });
      await createGroup(prisma, { path: `${tag}-other` });

      const res = await request(app).get(`/api/v4/groups?search=${tag}&per_page=2&page=1`).set(auth);
      expect(res.status).toBe(200);
      expect(res.body.map((g: { path: string }) => g.path)).toEqual([`${tag}-internal`, `${tag}-mine`]);
      expect(res.headers).toMatchObject({
        'x-total': '3',
        'x-total-pages': '2',
        'x-per-page': '2',
        'x-page': '1',
        'x-next-page': '2',
        'x-prev-page': '',
      });
      expect(res.headers.link).toContain('rel="next"');

      const anonymous = await request(app).get(`/api/v4/groups?search=${tag}`);
      expect(anonymous.body.map((g: { path: string }) => g.path)).toEqual([`${tag}-public`]);

      const owned = await request(app).get(`/api/v4/groups?search=${tag}&owned=true`).set(auth);
      expect(owned.body.map((g: { path: string }) => g.path)).toEqual([`${tag}-mine`]);

      const badLevel = await request(app).get('/api/v4/groups?min_access_level=15').set(auth);
      expect(badLevel.status).toBe(400);
      expect(badLevel.body).toEqual({ error: 'min_access_level does not have a valid value' });
    });

    it('when a group is named by its URL-encoded full path, then that one group answers', async () => {
      const { prisma, app } = identity;
      const top = await createGroup(prisma, { path: uniquePath('Enc'), visibility: 'public' });
      const sub = await createGroup(prisma, { path: 'Sub', parent: top, visibility: 'public' });
      const res = await request(app).get(`/api/v4/groups/${encodeURIComponent(sub.fullPath.toLowerCase())}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: sub.id, full_path: sub.fullPath, parent_id: top.id });
      const missing = await request(app).get(`/api/v4/groups/${encodeURIComponent(`${top.fullPath}/nope`)}`);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ message: '404 Group Not Found' });
    });
  });

  describe('PUT /groups/:id', () => {
    it('when an Owner renames a group, then every descendant group and project moves, with events', async () => {
      const { prisma, app } = identity;
      const { user, auth } = await signedIn(prisma);
      const old = uniquePath('old');
      const renamed = uniquePath('new');
      const top = await createGroup(prisma, { path: old });
      const sub = await createGroup(prisma, { path: 'sub', parent: top });
      const direct = await createProject(prisma, { namespace: top, path: 'app' });
      const nested = await createProject(prisma, { namespace: sub, path: 'lib' });
      await addMember(prisma, user, { group: top }, 50);

      const res = await request(app)
        .put(`/api/v4/groups/${top.id}`)
        .set(auth)
        .send({ path: renamed, name: 'New' });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ path: renamed, full_path: renamed, name: 'New' });
      await expect(prisma.namespace.findUniqueOrThrow({ where: { id: sub.id } })).resolves.toMatchObject({
        fullPath: `${renamed}/sub`,
      });
      for (const [project, fullPath] of [
        [direct, `${renamed}/app`],
        [nested, `${renamed}/sub/lib`],
      ] as const) {
        await expect(prisma.project.findUniqueOrThrow({ where: { id: project.id } })).resolves.toMatchObject({
          fullPath,
        });
        await expect(
          prisma.route.findUnique({ where: { pathKey: routeKey(fullPath) } }),
        ).resolves.toMatchObject({
          projectId: project.id,
        });
      }
      expect(await prisma.route.count({ where: { pathKey: { startsWith: `${old}` } } })).toBe(0);
      const projectEvents = await eventsOf(prisma, 'identity.project.updated');
      expect(projectEvents).toContainEqual({
        project_id: direct.id,
        full_path: `${renamed}/app`,
        previous_full_path: `${old}/app`,
      });
      expect(projectEvents).toContainEqual({
        project_id: nested.id,
        full_path: `${renamed}/sub/lib`,
        previous_full_path: `${old}/sub/lib`,
      });
      const groupEvents = await eventsOf(prisma, 'identity.group.updated');
      expect(groupEvents).toContainEqual({
        namespace_id: top.id,
        full_path: renamed,
        previous_full_path: old,
      });
      expect(groupEvents).toContainEqual({
        namespace_id: sub.id,
        full_path: `${renamed}/sub`,
        previous_full_path: `${old}/sub`,
      });
      const moved = await request(app)
        .get(`/api/v4/projects/${encodeURIComponent(`${renamed}/sub/lib`)}`)
        .set(auth);
      expect(moved.status).toBe(200);
    });

    it('when the new path is taken, then 400 and nothing moves', async () => {
      const { prisma, app } = identity;
      const { user, auth } = await signedIn(prisma);
      const top = await createGroup(prisma, { path: uniquePath('stay') });
      await createProject(prisma, { namespace: top, path: 'p' });
      const other = await createGroup(prisma, { path: uniquePath('other') });
      await addMember(prisma, user, { group: top }, 50);

      const res = await request(app)
        .put(`/api/v4/groups/${top.id}`)
        .set(auth)
        .send({ path: other.path.toUpperCase() });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: { path: ['has already been taken'] } });
      await expect(prisma.namespace.findUniqueOrThrow({ where: { id: top.id } })).resolves.toMatchObject({
        fullPath: top.fullPath,
      });
    });

    it('when the rename guard refuses, then nothing moves', async () => {
      const { prisma } = identity;
      const owner = await createUser(prisma, { admin: true });
      const top = await createGroup(prisma, { path: uniquePath('guarded') });
      const project = await createProject(prisma, { namespace: top, path: 'img' });
      const asked: unknown[] = [];
      const guard = {
        refusalFor: async (moves: unknown[]) => {
          asked.push(...moves);
          return 'Cannot rename group because a project contains container registry tags!';
        },
      };
      await expect(
        updateGroup(prisma, owner, top, { path: uniquePath('elsewhere') }, guard),
      ).rejects.toMatchObject({
        kind: 'refused',
      });
      expect(asked).toEqual([expect.objectContaining({ projectId: project.id, fullPath: project.fullPath })]);
      await expect(prisma.project.findUniqueOrThrow({ where: { id: project.id } })).resolves.toMatchObject({
        fullPath: project.fullPath,
      });
    });

    it('when a Maintainer tries to change the group, then 403', async () => {
      const { prisma, app } = identity;
      const { user, auth } = await signedIn(prisma);
      const group = await createGroup(prisma, { path: uniquePath('m') });
      await addMember(prisma, user, { group }, 40);
      const res = await request(app).put(`/api/v4/groups/${group.id}`).set(auth).send({ name: 'nope' });
      expect(res.status).toBe(403);
    });

    it('when visibility would drop below a child or rise above the parent, then 400 on visibility_level', async () => {
      const { prisma, app } = identity;
      const { user, auth } = await signedIn(prisma);
      const top = await createGroup(prisma, { path: uniquePath('vis'), visibility: 'public' });
      const sub = await createGroup(prisma, { path: 'sub', parent: top, visibility: 'internal' });
      await createProject(prisma, { namespace: sub, path: 'p', visibility: 'internal' });
      await addMember(prisma, user, { group: top }, 50);

      const lowerTop = await request(app)
        .put(`/api/v4/groups/${top.id}`)
        .set(auth)
        .send({ visibility: 'private' });
      expect(lowerTop.status).toBe(400);
      expect(lowerTop.body).toEqual({
        message: {
          visibility_level: ['private is not allowed since there are sub-groups with higher visibility.'],
        },
      });
      const lowerSub = await request(app)
        .put(`/api/v4/groups/${sub.id}`)
        .set(auth)
        .send({ visibility: 'private' });
      expect(lowerSub.body).toEqual({
        message: {
          visibility_level: [
            'private is not allowed since this group contains projects with higher visibility.',
          ],
        },
      });
      const raiseSub = await request(app)
        .put(`/api/v4/groups/${sub.id}`)
        .set(auth)
        .send({ visibility: 'public' });
      expect(raiseSub.status).toBe(200);
      const lowered = await request(app)
        .put(`/api/v4/groups/${top.id}`)
        .set(auth)
        .send({ visibility: 'internal' });
      expect(lowered.status).toBe(400);
      expect(await eventsOf(prisma, 'identity.group.updated')).toContainEqual({
        namespace_id: sub.id,
        full_path: sub.fullPath,
      });
    });
  });

  describe('DELETE /groups/:id', () => {
    it('when the group still holds a project or subgroup, then 400; once empty, the Owner deletes it', async () => {
      const { prisma, app } = identity;
      const { user, auth } = await signedIn(prisma);
      const group = await createGroup(prisma, { path: uniquePath('del') });
      const project = await createProject(prisma, { namespace: group, path: 'p' });
      await addMember(prisma, user, { group }, 50);

      const full = await request(app).delete(`/api/v4/groups/${group.id}`).set(auth);
      expect(full.status).toBe(400);
      expect(full.body).toEqual({
        message: '400 Bad request - Group still contains subgroups or projects; delete or move them first',
      });

      await prisma.project.delete({ where: { id: project.id } });
      const res = await request(app).delete(`/api/v4/groups/${group.id}`).set(auth);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ message: '202 Accepted' });
      await expect(prisma.namespace.findUnique({ where: { id: group.id } })).resolves.toBeNull();
      await expect(
        prisma.route.findUnique({ where: { pathKey: routeKey(group.fullPath) } }),
      ).resolves.toBeNull();
    });

    it('when a Maintainer deletes a group, then 403', async () => {
      const { prisma, app } = identity;
      const { user, auth } = await signedIn(prisma);
      const group = await createGroup(prisma, { path: uniquePath('keep') });
      await addMember(prisma, user, { group }, 40);
      const res = await request(app).delete(`/api/v4/groups/${group.id}`).set(auth);
      expect(res.status).toBe(403);
    });
  });
});
