import request from 'supertest';
import { routeKey } from '../../src/domain/paths';
import { transferProject } from '../../src/domain/projects/transfer-project';
import { updateProject } from '../../src/domain/projects/update-project';
import { openIdentityApp, TEST_EXTERNAL_URL, type IdentityApp } from '../support/identity-app';
import {
  addMember,
  createDeployToken,
  createGroup,
  createJobToken,
  createProject,
  createUser,
} from '../support/identity-fixtures';
import { eventsOf, signedIn, uniquePath } from './api-test-helpers';

const paths = (body: { path: string }[]) => body.map((project) => project.path);

describe('projects API', () => {
  let identity: IdentityApp;
  beforeAll(async () => {
    identity = await openIdentityApp();
  });
  afterAll(() => identity?.close());

  describe('POST /projects', () => {
    it('when a user creates a project in their namespace, then it is theirs without a member row', async () => {
      const { prisma, app } = identity;
      const { user, auth } = await signedIn(prisma);

      const res = await request(app)
        .post('/api/v4/projects')
        .set(auth)
        .send({ name: 'My App', description: 'd' });

      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        name: 'My App',
        path: 'my-app',
        path_with_namespace: `${user.username}/my-app`,
        name_with_namespace: `${user.name} / My App`,
        description: 'd',
        visibility: 'private',
        namespace: {
          id: expect.any(Number),
          name: user.username,
          path: user.username,
          kind: 'user',
          full_path: user.username,
          parent_id: null,
          avatar_url: null,
          web_url: `${TEST_EXTERNAL_URL}/${user.username}`,
        },
        web_url: `${TEST_EXTERNAL_URL}/${user.username}/my-app`,
        created_at: expect.any(String),
        last_activity_at: expect.any(String),
        creator_id: user.id,
        container_registry_enabled: true,
        container_registry_access_level: 'enabled',
        container_registry_image_prefix: `registry.example.test/${user.username}/my-app`,
        packages_enabled: true,
        package_registry_access_level: 'enabled',
        permissions: { project_access: { access_level: 50, notification_level: 3 }, group_access: null },
      });
      expect(await prisma.member.count({ where: { projectId: res.body.id } })).toBe(0);
      await expect(
        prisma.route.findUnique({ where: { pathKey: routeKey(`${user.username}/my-app`) } }),
      ).resolves.toMatchObject({ projectId: res.body.id });
      expect(await eventsOf(prisma, 'identity.project.created')).toContainEqual({
        project_id: res.body.id,
        full_path: `${user.username}/my-app`,
      });
    });

    it('when only a path is given, then the name is the path; with neither, Grape says so', async () => {
      const { prisma, app } = identity;
      const { auth } = await signedIn(prisma);
      const onlyPath = await request(app).post('/api/v4/projects').set(auth).send({ path: 'Only.Path' });
      expect(onlyPath.status).toBe(201);
      expect(onlyPath.body).toMatchObject({ name: 'Only.Path', path: 'Only.Path' });
      const neither = await request(app).post('/api/v4/projects').set(auth).send({ description: 'x' });
      expect(neither.status).toBe(400);
      expect(neither.body).toEqual({
        error: 'name, path are missing, at least one parameter must be provided',
      });
    });

    it('when creating in a group, then Maintainer+ may, a Developer may not, an invisible group is not found', async () => {
      const { prisma, app } = identity;
      const group = await createGroup(prisma, { path: uniquePath('grp'), visibility: 'internal' });
      const hidden = await createGroup(prisma, { path: uniquePath('hid') });
      const maintainer = await signedIn(prisma);
      const developer = await signedIn(prisma);
      await addMember(prisma, maintainer.user, { group }, 40);
      await addMember(prisma, developer.user, { group }, 30);

      const denied = await request(app)
        .post('/api/v4/projects')
        .set(developer.auth)
        .send({ path: 'x', namespace_id: group.id });
      expect(denied.status).toBe(403);
      const notFound = await request(app)
        .post('/api/v4/projects')
        .set(maintainer.auth)
        .send({ path: 'x', namespace_id: hidden.id });
      expect(notFound.status).toBe(404);
      expect(notFound.body).toEqual({ message: '404 Namespace Not Found' });
      const created = await request(app)
        .post('/api/v4/projects')
        .set(maintainer.auth)
        .send({ path: 'x', namespace_id: group.id, visibility: 'internal' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        path_with_namespace: `${group.fullPath}/x`,
        namespace: { kind: 'group', id: group.id },
        permissions: { project_access: null, group_access: { access_level: 40 } },
      });
      expect(await prisma.member.count({ where: { projectId: created.body.id } })).toBe(0);
    });

    it('when an admin creates a project in a group they are not a member of, then they become its Maintainer', async () => {
      const { prisma, app } = identity;
      const admin = await signedIn(prisma, { admin: true });
      const group = await createGroup(prisma, { path: uniquePath('adm') });
      const res = await request(app)
        .post('/api/v4/projects')
        .set(admin.auth)
        .send({ path: 'p', namespace_id: group.id });
      expect(res.status).toBe(201);
      await expect(prisma.member.findFirst({ where: { projectId: res.body.id } })).resolves.toMatchObject({
        userId: admin.user.id,
        accessLevel: 40,
      });
      expect(await eventsOf(prisma, 'identity.membership.changed')).toContainEqual({
        user_id: admin.user.id,
        project_id: res.body.id,
      });
    });

    it('when the project would be more visible than its group, then 400 on visibility_level', async () => {
      const { prisma, app } = identity;
      const { user, auth } = await signedIn(prisma);
      const group = await createGroup(prisma, { path: uniquePath('pv') });
      await addMember(prisma, user, { group }, 50);
      const res = await request(app)
        .post('/api/v4/projects')
        .set(auth)
        .send({ path: 'p', namespace_id: group.id, visibility: 'public' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        message: { visibility_level: ['public is not allowed in a private group.'] },
      });
      const bad = await request(app)
        .post('/api/v4/projects')
        .set(auth)
        .send({ path: 'p', visibility: 'open' });
      expect(bad.body).toEqual({ error: 'visibility does not have a valid value' });
    });

    it('when the path is taken in any case, or invalid, then 400 names path', async () => {
      const { prisma, app } = identity;
      const { user, auth } = await signedIn(prisma);
      const group = await createGroup(prisma, { path: uniquePath('tk') });
      await createGroup(prisma, { path: 'Sub', parent: group });
      await addMember(prisma, user, { group }, 40);
      const taken = await request(app)
        .post('/api/v4/projects')
        .set(auth)
        .send({ path: 'sub', namespace_id: group.id });
      expect(taken.status).toBe(400);
      expect(taken.body).toEqual({ message: { path: ['has already been taken'] } });
      const invalid = await request(app).post('/api/v4/projects').set(auth).send({ path: 'a b' });
      expect(invalid.status).toBe(400);
      expect(invalid.body.message.path[0]).toContain('can contain only');
    });

    it('when registry settings are given, then the access levels win over the deprecated booleans', async () => {
      const { prisma, app } = identity;
      const { auth } = await signedIn(prisma);
      const off = await request(app)
        .post('/api/v4/projects')
        .set(auth)
        .send({ path: 'off', container_registry_enabled: false, packages_enabled: 'false' });
      expect(off.body).toMatchObject({
        container_registry_enabled: false,
        container_registry_access_level: 'disabled',
        packages_enabled: false,
        package_registry_access_level: 'disabled',
      });
      const levels = await request(app).post('/api/v4/projects').set(auth).send({
        path: 'levels',
        container_registry_access_level: 'private',
        container_registry_enabled: false,
        package_registry_access_level: 'public',
      });
      expect(levels.body).toMatchObject({
        container_registry_access_level: 'private',
        container_registry_enabled: true,
        package_registry_access_level: 'public',
      });
      const bad = await request(app)
        .post('/api/v4/projects')
        .set(auth)
        .send({ path: 'bad', container_registry_access_level: 'public' });
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ error: 'container_registry_access_level does not have a valid value' });
    });

    it('when the instance forbids "anyone can pull", then package level public is refused', async () => {
      const { prisma, app } = identity;
      const { user, auth } = await signedIn(prisma);
      const existing = await createProject(prisma, {
        namespace: await prisma.namespace.findUniqueOrThrow({ where: { ownerId: user.id } }),
        packageRegistryAccessLevel: 'public',
      });
      await prisma.applicationSetting.update({
        where: { id: 1 },
        data: { packageRegistryAllowAnyoneToPullOption: false },
      });
      try {
        const res = await request(app)
          .post('/api/v4/projects')
          .set(auth)
          .send({ path: 'pub-pkgs', package_registry_access_level: 'public' });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          message: {
            package_registry_access_level: [
              'public is not allowed since the instance does not allow anyone to pull packages',
            ],
          },
        });
        const unrelated = await request(app)
          .put(`/api/v4/projects/${existing.id}`)
          .set(auth)
          .send({ description: 'still editable', package_registry_access_level: 'public' });
        expect(unrelated.status).toBe(200);
        expect(unrelated.body.package_registry_access_level).toBe('public');
      } finally {
        await prisma.applicationSetting.update({
          where: { id: 1 },
          data: { packageRegistryAllowAnyoneToPullOption: true },
        });
      }
    });

    it('when an admin creates a project for a user, then it lands in their namespace; others get 403', async () => {
      const { prisma, app } = identity;
      const admin = await signedIn(prisma, { admin: true });
      const other = await signedIn(prisma);
      const owner = await createUser(prisma);
      const res = await request(app)
        .post(`/api/v4/projects/user/${owner.id}`)
        .set(admin.auth)
        .send({ name: 'for' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ path_with_namespace: `${owner.username}/for`, creator_id: owner.id });
      const denied = await request(app)
        .post(`/api/v4/projects/user/${owner.id}`)
        .set(other.auth)
        .send({ name: 'x' });
      expect(denied.status).toBe(403);
      const missing = await request(app)
        .post('/api/v4/projects/user/999999')
        .set(admin.auth)
        .send({ name: 'x' });
      expect(missing.body).toEqual({ message: '404 User Not Found' });
    });
  });

  describe('GET /projects/:id', () => {
    it('when the id is a URL-encoded full path with subgroups, then it reaches the handler as one id', async () => {
      const { prisma, app } = identity;
      const top = await createGroup(prisma, { path: uniquePath('Group'), visibility: 'public' });
      const sub = await createGroup(prisma, { path: 'Sub', parent: top, visibility: 'public' });
      const project = await createProject(prisma, { namespace: sub, path: 'App', visibility: 'public' });

      const res = await request(app).get(
        `/api/v4/projects/${encodeURIComponent(project.fullPath.toLowerCase())}`,
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: project.id,
        path_with_namespace: `${top.path}/Sub/App`,
        name_with_namespace: `${top.name} / Sub / App`,
        container_registry_image_prefix: `registry.example.test/${top.path.toLowerCase()}/sub/app`,
        permissions: { project_access: null, group_access: null },
      });
      const plain = await request(app).get(`/api/v4/projects/${project.fullPath}`);
      expect(plain.status).toBe(404);
      const missing = await request(app).get('/api/v4/projects/99999999');
      expect(missing.body).toEqual({ message: '404 Project Not Found' });
    });
  });

  describe('GET /projects', () => {
    it('when listing, then each caller sees what visibility allows, filtered, ordered and paginated', async () => {
      const { prisma, app } = identity;
      const tag = uniquePath('list');
      const { user, auth } = await signedIn(prisma);
      const group = await createGroup(prisma, { path: `${tag}-g`, visibility: 'public' });
      const own = await prisma.namespace.findUniqueOrThrow({ where: { ownerId: user.id } });
      await createProject(prisma, { namespace: group, path: `${tag}-a-public`, visibility: 'public' });
      await createProject(prisma, { namespace: group, path: `${tag}-b-internal`, visibility: 'internal' });
      const member = await createProject(prisma, {
        namespace: group,
        path: `${tag}-c-member`,
        visibility: 'private',
      });
      await createProject(prisma, { namespace: group, path: `${tag}-d-hidden`, visibility: 'private' });
      await createProject(prisma, { namespace: own, path: `${tag}-e-mine`, visibility: 'private' });
      await addMember(prisma, user, { project: member }, 20);

      const anonymous = await request(app).get(`/api/v4/projects?search=${tag}`);
      expect(paths(anonymous.body)).toEqual([`${tag}-a-public`]);

      const byPath = await request(app)
        .get(`/api/v4/projects?search=${tag.toUpperCase()}&order_by=path&sort=asc`)
        .set(auth);
      expect(paths(byPath.body)).toEqual([
        `${tag}-a-public`,
        `${tag}-b-internal`,
        `${tag}-c-member`,
        `${tag}-e-mine`,
      ]);

      const page2 = await request(app)
        .get(`/api/v4/projects?search=${tag}&order_by=path&sort=desc&per_page=3&page=2`)
        .set(auth);
      expect(paths(page2.body)).toEqual([`${tag}-a-public`]);
      expect(page2.headers).toMatchObject({
        'x-total': '4',
        'x-total-pages': '2',
        'x-page': '2',
        'x-prev-page': '1',
      });
      expect(page2.headers.link).toContain('rel="prev"');
      expect(page2.headers.link).toContain(`${TEST_EXTERNAL_URL}/api/v4/projects?search=${tag}`);

      const owned = await request(app).get(`/api/v4/projects?search=${tag}&owned=true`).set(auth);
      expect(paths(owned.body)).toEqual([`${tag}-e-mine`]);
      const membership = await request(app)
        .get(`/api/v4/projects?search=${tag}&membership=true&order_by=path&sort=asc`)
        .set(auth);
      expect(paths(membership.body)).toEqual([`${tag}-c-member`, `${tag}-e-mine`]);
      const internal = await request(app).get(`/api/v4/projects?search=${tag}&visibility=internal`).set(auth);
      expect(paths(internal.body)).toEqual([`${tag}-b-internal`]);

      const admin = await signedIn(prisma, { admin: true });
      const all = await request(app).get(`/api/v4/projects?search=${tag}`).set(admin.auth);
      expect(all.body).toHaveLength(5);

      const badOrder = await request(app).get('/api/v4/projects?order_by=stars');
      expect(badOrder.body).toEqual({ error: 'order_by does not have a valid value' });
    });
  });

  describe('PUT /projects/:id', () => {
    it('when an Owner changes the path, then the route moves and the event names the previous path', async () => {
      const { prisma, app } = identity;
      const { user, auth } = await signedIn(prisma);
      const group = await createGroup(prisma, { path: uniquePath('rn') });
      const project = await createProject(prisma, { namespace: group, path: 'before' });
      await addMember(prisma, user, { group }, 50);

      const res = await request(app)
        .put(`/api/v4/projects/${encodeURIComponent(project.fullPath)}`)
        .set(auth)
        .send({ path: 'after', name: 'After', description: 'moved' });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        path: 'after',
        name: 'After',
        path_with_namespace: `${group.fullPath}/after`,
      });
      await expect(
        prisma.route.findUnique({ where: { pathKey: routeKey(project.fullPath) } }),
      ).resolves.toBeNull();
      await expect(
        prisma.route.findUnique({ where: { pathKey: routeKey(`${group.fullPath}/after`) } }),
      ).resolves.toMatchObject({ projectId: project.id });
      expect(await eventsOf(prisma, 'identity.project.updated')).toContainEqual({
        project_id: project.id,
        full_path: `${group.fullPath}/after`,
        previous_full_path: project.fullPath,
      });
      const old = await request(app)
        .get(`/api/v4/projects/${encodeURIComponent(project.fullPath)}`)
        .set(auth);
      expect(old.status).toBe(404);
    });

    it('when a Maintainer edits, then settings change but the path may not; a Developer may not edit', async () => {
      const { prisma, app } = identity;
      const group = await createGroup(prisma, { path: uniquePath('ed'), visibility: 'internal' });
      const project = await createProject(prisma, { namespace: group, path: 'p' });
      const maintainer = await signedIn(prisma);
      const developer = await signedIn(prisma);
      await addMember(prisma, maintainer.user, { project }, 40);
      await addMember(prisma, developer.user, { project }, 30);

      const settings = await request(app).put(`/api/v4/projects/${project.id}`).set(maintainer.auth).send({
        visibility: 'internal',
        container_registry_access_level: 'private',
        packages_enabled: false,
      });
      expect(settings.status).toBe(200);
      expect(settings.body).toMatchObject({
        visibility: 'internal',
        container_registry_access_level: 'private',
        package_registry_access_level: 'disabled',
      });
      expect(await eventsOf(prisma, 'identity.project.updated')).toContainEqual({
        project_id: project.id,
        full_path: project.fullPath,
      });
      const rename = await request(app)
        .put(`/api/v4/projects/${project.id}`)
        .set(maintainer.auth)
        .send({ path: 'q' });
      expect(rename.status).toBe(403);
      const dev = await request(app)
        .put(`/api/v4/projects/${project.id}`)
        .set(developer.auth)
        .send({ name: 'n' });
      expect(dev.status).toBe(403);
      expect(dev.body).toEqual({ message: '403 Forbidden' });
      const tooOpen = await request(app)
        .put(`/api/v4/projects/${project.id}`)
        .set(maintainer.auth)
        .send({ visibility: 'public' });
      expect(tooOpen.body).toEqual({
        message: { visibility_level: ['public is not allowed in a internal group.'] },
      });
    });

    it('when the package registry level changes, then services caching package decisions hear of it', async () => {
      const { prisma, app } = identity;
      const group = await createGroup(prisma, { path: uniquePath('pk'), visibility: 'public' });
      const project = await createProject(prisma, { namespace: group, path: 'p' });
      const maintainer = await signedIn(prisma);
      await addMember(prisma, maintainer.user, { project }, 40);
      const updates = async () =>
        (await eventsOf(prisma, 'identity.project.updated')).filter(
          (payload) => (payload as { project_id: number }).project_id === project.id,
        ).length;

      for (const change of [
        { package_registry_access_level: 'public' },
        { package_registry_access_level: 'private' },
        { visibility: 'internal' },
      ]) {
        const before = await updates();
        const res = await request(app)
          .put(`/api/v4/projects/${project.id}`)
          .set(maintainer.auth)
          .send(change);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject(change);
        expect(await updates()).toBe(before + 1);
      }
    });

    it('when the rename guard refuses, then the project stays', async () => {
      const { prisma } = identity;
      const admin = await createUser(prisma, { admin: true });
      const group = await createGroup(prisma, { path: uniquePath('rg') });
      const project = await createProject(prisma, { namespace: group, path: 'tagged' });
      const guard = {
        refusalFor: async () => 'Cannot rename project because it contains container registry tags!',
      };
      await expect(updateProject(prisma, admin, project, { path: 'other' }, guard)).rejects.toMatchObject({
        kind: 'refused',
      });
      await expect(transferProject(prisma, admin, project, admin.username, guard)).rejects.toMatchObject({
        kind: 'refused',
      });
      await expect(prisma.project.findUniqueOrThrow({ where: { id: project.id } })).resolves.toMatchObject({
        fullPath: project.fullPath,
      });
    });
  });

  describe('PUT /projects/:id/transfer', () => {
    it('when the Owner moves a project into a group they maintain, then it moves and is lowered to the group visibility', async () => {
      const { prisma, app } = identity;
      const { user, auth } = await signedIn(prisma);
      const own = await prisma.namespace.findUniqueOrThrow({ where: { ownerId: user.id } });
      const project = await createProject(prisma, { namespace: own, path: 'mover', visibility: 'public' });
      const target = await createGroup(prisma, { path: uniquePath('target'), visibility: 'internal' });
      const devOnly = await createGroup(prisma, { path: uniquePath('devonly'), visibility: 'internal' });
      await addMember(prisma, user, { group: target }, 40);
      await addMember(prisma, user, { group: devOnly }, 30);

      const denied = await request(app)
        .put(`/api/v4/projects/${project.id}/transfer`)
        .set(auth)
        .send({ namespace: devOnly.id });
      expect(denied.status).toBe(403);
      const same = await request(app)
        .put(`/api/v4/projects/${project.id}/transfer`)
        .set(auth)
        .send({ namespace: own.id });
      expect(same.status).toBe(400);
      const missing = await request(app).put(`/api/v4/projects/${project.id}/transfer`).set(auth).send({});
      expect(missing.body).toEqual({ error: 'namespace is missing' });

      const res = await request(app)
        .put(`/api/v4/projects/${project.id}/transfer`)
        .set(auth)
        .send({ namespace: target.fullPath });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        path_with_namespace: `${target.fullPath}/mover`,
        visibility: 'internal',
        namespace: { id: target.id },
      });
      expect(await eventsOf(prisma, 'identity.project.updated')).toContainEqual({
        project_id: project.id,
        full_path: `${target.fullPath}/mover`,
        previous_full_path: `${own.fullPath}/mover`,
      });
    });
  });

  describe('DELETE /projects/:id', () => {
    it('when the Owner deletes, then 202, the project and its tokens are gone and events say so', async () => {
      const { prisma, app } = identity;
      const { user, auth } = await signedIn(prisma);
      const developer = await signedIn(prisma);
      const group = await createGroup(prisma, { path: uniquePath('dl') });
      const project = await createProject(prisma, { namespace: group, path: 'gone' });
      await addMember(prisma, user, { group }, 50);
      await addMember(prisma, developer.user, { project }, 30);
      const deploy = await createDeployToken(prisma, { project }, ['read_registry']);
      const job = await createJobToken(prisma, project, developer.user);

      const denied = await request(app).delete(`/api/v4/projects/${project.id}`).set(developer.auth);
      expect(denied.status).toBe(403);

      const res = await request(app).delete(`/api/v4/projects/${project.id}`).set(auth);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ message: '202 Accepted' });
      await expect(prisma.project.findUnique({ where: { id: project.id } })).resolves.toBeNull();
      expect(await prisma.member.count({ where: { projectId: project.id } })).toBe(0);
      expect(await eventsOf(prisma, 'identity.project.deleted')).toContainEqual({
        project_id: project.id,
        full_path: project.fullPath,
      });
      const revoked = (await eventsOf(prisma, 'identity.token.revoked')).map((event) => event.credential);
      expect(revoked).toEqual(expect.arrayContaining([`deploy_token:${deploy.id}`, `job_token:${job.id}`]));
    });
  });
});
