import request from 'supertest';
import type { Repository } from '@stowage/registry-data';
import {
  createRepository,
  hoursAgo,
  pushImage,
} from '../../../../libs/registry-data/test/support/registry-fixtures';
import { createIdentityWorld, type IdentityWorld } from './support/identity-world';
import {
  EXTERNAL_URL,
  openRestApiWorld,
  REGISTRY_HOST,
  WORLD_TIMEOUT_MS,
  type RestApiWorld,
} from './support/rest-api-world';

describe('GitLab container registry API: repositories', () => {
  let world: RestApiWorld;
  let ids: IdentityWorld;
  let appRoot: Repository;
  let appWeb: Repository;
  let appWorker: Repository;
  let toolCli: Repository;
  let secretRepo: Repository;
  let siteRepo: Repository;
  const appRootPublishedAt = hoursAgo(1);
  let appWebPublishedAt: Date;

  const get = (path: string, token?: string) => {
    const call = request(world.app).get(`/api/v4${path}`);
    return token ? call.set('Private-Token', token) : call;
  };
  const projectPath = () => `/projects/${ids.app.id}/registry/repositories`;

  beforeAll(async () => {
    world = await openRestApiWorld();
    ids = await createIdentityWorld(world.identity, 'repos');
    const { prisma } = world.registry;
    appRoot = await createRepository(prisma, 'repos-team/app', ids.app.id);
    appWeb = await createRepository(prisma, 'repos-team/app/web', ids.app.id);
    appWorker = await createRepository(prisma, 'repos-team/app/worker', ids.app.id);
    toolCli = await createRepository(prisma, 'repos-team/sub/tool/cli', ids.tool.id);
    secretRepo = await createRepository(prisma, 'repos-team/secret', ids.secret.id);
    siteRepo = await createRepository(prisma, 'repos-open/site', ids.site.id);
    await pushImage(prisma, appRoot, 'v1', { createdAt: hoursAgo(5) });
    await pushImage(prisma, appRoot, 'latest', { createdAt: hoursAgo(3), updatedAt: appRootPublishedAt });
    for (const [tag, at] of [
      ['c', 4],
      ['a', 2],
      ['b', 6],
    ] as const) {
      await pushImage(prisma, appWeb, tag, { createdAt: hoursAgo(at) });
    }
    appWebPublishedAt = (await prisma.tag.findFirstOrThrow({ where: { repositoryId: appWeb.id, name: 'a' } }))
      .updatedAt;
  }, WORLD_TIMEOUT_MS);

  afterAll(() => world?.close(), WORLD_TIMEOUT_MS);

  describe('GET /projects/:id/registry/repositories', () => {
    it("when a maintainer lists a project's repositories, then each has GitLab's fields, oldest first", async () => {
      const res = await get(projectPath(), ids.tokens.maintainer);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        (
          [
            [appRoot, '', appRootPublishedAt],
            [appWeb, 'web', appWebPublishedAt],
            [appWorker, 'worker', null],
          ] as const
        ).map(([row, name, publishedAt]) => {
          return {
            id: Number(row.id),
            name,
            path: row.path,
            project_id: ids.app.id,
            location: `${REGISTRY_HOST}/${row.path}`,
            created_at: row.createdAt.toISOString(),
            last_published_at: publishedAt?.toISOString() ?? null,
            cleanup_policy_started_at: null,
            expiration_policy_cleanup_status: 'cleanup_unscheduled',
            delete_api_path: `${EXTERNAL_URL}/api/v4/projects/${ids.app.id}/registry/repositories/${row.id}`,
            status: null,
          };
        }),
      );
    });

    it('when tags and tags_count are asked for, then each repository has its tags in name order and their count', async () => {
      const res = await get(`${projectPath()}?tags=true&tags_count=true`, ids.tokens.maintainer);
      expect(res.status).toBe(200);
      const web = res.body.find((row: { name: string }) => row.name === 'web');
      expect(web.tags_count).toBe(3);
      expect(web.tags).toEqual(
        ['a', 'b', 'c'].map((tag) => ({
          name: tag,
          path: `repos-team/app/web:${tag}`,
          location: `${REGISTRY_HOST}/repos-team/app/web:${tag}`,
        })),
      );
      expect(res.body.map((row: { tags_count: number }) => row.tags_count)).toEqual([2, 3, 0]);
    });

    it('when a project is named by its URL-encoded path, then it is the same project', async () => {
      const res = await get(
        `/projects/${encodeURIComponent('repos-team/app')}/registry/repositories`,
        ids.tokens.reporter,
      );
      expect(res.status).toBe(200);
      expect(res.body.map((row: { id: number }) => row.id)).toEqual(
        [appRoot, appWeb, appWorker].map((r) => Number(r.id)),
      );
    });

    it('when a reporter lists them, then they are shown without delete_api_path', async () => {
      const res = await get(projectPath(), ids.tokens.reporter);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(3);
      for (const row of res.body) expect(row).not.toHaveProperty('delete_api_path');
    });

    it('when a guest of the project lists them, then 403 Forbidden', async () => {
      const res = await get(projectPath(), ids.tokens.guest);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
    });

    it.each([
      ['a user who is no member', () => ids.tokens.outsider],
      ['an anonymous client', () => undefined],
    ])('when %s lists a private project, then 404 Project Not Found', async (_who, token) => {
      const res = await get(projectPath(), token());
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 Project Not Found' });
    });

    it('when the project does not exist, then 404 Project Not Found', async () => {
      const res = await get('/projects/987654/registry/repositories', ids.tokens.maintainer);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 Project Not Found' });
    });

    it('when the token is unknown, then 401 Unauthorized', async () => {
      const res = await get(projectPath(), 'glpat-not-a-real-token');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    });

    it('when an anonymous client lists a public project, then its repositories are shown', async () => {
      const res = await get(`/projects/${ids.site.id}/registry/repositories`);
      expect(res.status).toBe(200);
      expect(res.body.map((row: { id: number }) => row.id)).toEqual([Number(siteRepo.id)]);
    });

    it('when a page is asked for, then GitLab pagination headers describe the rest', async () => {
      const first = await get(`${projectPath()}?per_page=2&tags=false`, ids.tokens.maintainer);
      expect(first.status).toBe(200);
      expect(first.body.map((row: { id: number }) => row.id)).toEqual([
        Number(appRoot.id),
        Number(appWeb.id),
      ]);
      expect(first.headers).toMatchObject({
        'x-total': '3',
        'x-total-pages': '2',
        'x-per-page': '2',
        'x-page': '1',
        'x-next-page': '2',
        'x-prev-page': '',
      });
      expect(first.headers.link).toContain(
        `<${EXTERNAL_URL}/api/v4${projectPath()}?per_page=2&tags=false&page=2>; rel="next"`,
      );
      const second = await get(`${projectPath()}?per_page=2&page=2`, ids.tokens.maintainer);
      expect(second.body.map((row: { id: number }) => row.id)).toEqual([Number(appWorker.id)]);
      expect(second.headers['x-prev-page']).toBe('1');
    });

    it('when name is given, then only repositories whose name contains it (in any case) are listed', async () => {
      const res = await get(`${projectPath()}?name=WE`, ids.tokens.maintainer);
      expect(res.body.map((row: { name: string }) => row.name)).toEqual(['web']);
      // The project's own path is not part of a repository's name.
      const none = await get(`${projectPath()}?name=app`, ids.tokens.maintainer);
      expect(none.body).toEqual([]);
      expect(none.headers['x-total']).toBe('0');
    });

    it.each([
      ['order_by=name', ['', 'web', 'worker']],
      ['order_by=name&sort=desc', ['worker', 'web', '']],
      ['order_by=created_at&sort=desc', ['worker', 'web', '']],
      ['order_by=last_published_at&sort=desc', ['', 'web', 'worker']],
      ['order_by=last_published_at', ['worker', 'web', '']],
      ['sort=desc', ['worker', 'web', '']],
    ])('when %s is given, then the repositories come in that order', async (query, names) => {
      const res = await get(`${projectPath()}?${query}`, ids.tokens.maintainer);
      expect(res.status).toBe(200);
      expect(res.body.map((row: { name: string }) => row.name)).toEqual(names);
    });

    it('when the list is ordered by last publication and paginated, then pages follow that order', async () => {
      const query = 'order_by=last_published_at&sort=desc&per_page=1&page=2';
      const res = await get(`${projectPath()}?${query}`, ids.tokens.maintainer);
      expect(res.headers['x-total']).toBe('3');
      expect(res.body.map((row: { name: string }) => row.name)).toEqual(['web']);
      expect(res.body[0].last_published_at).toBe(appWebPublishedAt.toISOString());
    });

    it('when size is asked for, then each repository has the size its detail shows', async () => {
      const res = await get(`${projectPath()}?size=true`, ids.tokens.reporter);
      expect(res.status).toBe(200);
      expect(res.body.map((row: { size: number }) => row.size)).toEqual([2 * 1100, 3 * 1100, 0]);
      for (const row of res.body as { id: number; size: number }[]) {
        const detail = await get(`/registry/repositories/${row.id}?size=true`, ids.tokens.reporter);
        expect(detail.body.size).toBe(row.size);
      }
      const without = await get(projectPath(), ids.tokens.reporter);
      expect(without.body[0]).not.toHaveProperty('size');
    });

    it.each([
      ['tags=maybe', { error: 'tags is invalid' }],
      ['tags_count=2', { error: 'tags_count is invalid' }],
      ['page=0', { error: 'page is invalid' }],
      ['per_page=x', { error: 'per_page is invalid' }],
      ['size=big', { error: 'size is invalid' }],
      ['order_by=size', { error: 'order_by does not have a valid value' }],
      ['sort=up', { error: 'sort does not have a valid value' }],
    ])('when %s is sent, then 400 in Grape words', async (query, body) => {
      const res = await get(`${projectPath()}?${query}`, ids.tokens.maintainer);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(body);
    });
  });

  describe('GET /groups/:id/registry/repositories', () => {
    const groupPath = () => `/groups/${ids.team.id}/registry/repositories`;

    it('when a maintainer of the group lists it, then repositories of every project in it and its subgroups are shown', async () => {
      const res = await get(groupPath(), ids.tokens.maintainer);
      expect(res.status).toBe(200);
      expect(res.body.map((row: { path: string }) => row.path)).toEqual([
        appRoot.path,
        appWeb.path,
        appWorker.path,
        toolCli.path,
        secretRepo.path,
      ]);
      const cli = res.body.find((row: { path: string }) => row.path === toolCli.path);
      expect(cli).toMatchObject({
        name: 'cli',
        project_id: ids.tool.id,
        location: `${REGISTRY_HOST}/${toolCli.path}`,
      });
      expect(cli).not.toHaveProperty('tags');
    });

    it('when a member may read only some projects of the group, then only their repositories are shown', async () => {
      const res = await get(
        `/groups/${encodeURIComponent('repos-team')}/registry/repositories`,
        ids.tokens.groupGuest,
      );
      expect(res.status).toBe(200);
      expect(res.body.map((row: { path: string }) => row.path)).toEqual([
        appRoot.path,
        appWeb.path,
        appWorker.path,
      ]);
    });

    it('when name and a page are given, then the filtered list is paginated', async () => {
      const res = await get(`${groupPath()}?name=w&per_page=1&page=2`, ids.tokens.maintainer);
      expect(res.status).toBe(200);
      expect(res.headers['x-total']).toBe('2');
      expect(res.body.map((row: { name: string }) => row.name)).toEqual(['worker']);
    });

    it('when tags, tags_count and size are asked for, then the group list has them as the project list does', async () => {
      const res = await get(`${groupPath()}?tags=true&tags_count=true&size=true`, ids.tokens.maintainer);
      expect(res.status).toBe(200);
      const web = res.body.find((row: { path: string }) => row.path === appWeb.path);
      expect(web).toMatchObject({
        tags_count: 3,
        size: 3 * 1100,
        last_published_at: appWebPublishedAt.toISOString(),
      });
      expect(web.tags.map((tag: { name: string }) => tag.name)).toEqual(['a', 'b', 'c']);
      const cli = res.body.find((row: { path: string }) => row.path === toolCli.path);
      expect(cli).toMatchObject({ tags_count: 0, tags: [], size: 0, last_published_at: null });
    });

    it('when order_by and sort are given, then the group list comes in that order', async () => {
      const res = await get(`${groupPath()}?order_by=last_published_at&sort=desc`, ids.tokens.maintainer);
      expect(res.status).toBe(200);
      // Never-published repositories last, by id descending among themselves.
      expect(res.body.map((row: { path: string }) => row.path)).toEqual([
        appRoot.path,
        appWeb.path,
        secretRepo.path,
        toolCli.path,
        appWorker.path,
      ]);
    });

    it('when order_by is not one of the orders, then 400 before the group is looked at', async () => {
      const res = await get(`/groups/987654/registry/repositories?order_by=path`, ids.tokens.maintainer);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'order_by does not have a valid value' });
    });

    it('when the caller may not see the group, then 404 Group Not Found', async () => {
      for (const token of [ids.tokens.outsider, undefined]) {
        const res = await get(groupPath(), token);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ message: '404 Group Not Found' });
      }
    });

    it('when an anonymous client lists a public group, then its public projects are shown', async () => {
      const res = await get(`/groups/repos-open/registry/repositories`);
      expect(res.status).toBe(200);
      expect(res.body.map((row: { path: string }) => row.path)).toEqual([siteRepo.path]);
    });
  });

  describe('GET /registry/repositories/:id', () => {
    it('when a reader asks with tags, tags_count and size, then they are included; size counts shared blobs once', async () => {
      const { prisma } = world.registry;
      const sized = await createRepository(prisma, 'repos-team/app/sized', ids.app.id);
      const first = await pushImage(prisma, sized, 'one', { configSize: 10, layerSizes: [1000] });
      await pushImage(prisma, sized, 'two', {
        configSize: 20,
        sharedLayers: first.layers,
        layerSizes: [300],
      });
      const res = await get(
        `/registry/repositories/${sized.id}?tags=true&tags_count=true&size=true`,
        ids.tokens.reporter,
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: Number(sized.id),
        name: 'sized',
        path: 'repos-team/app/sized',
        project_id: ids.app.id,
        tags_count: 2,
        tags: [{ name: 'one' }, { name: 'two' }],
        size: 10 + 1000 + 20 + 300,
        status: null,
      });
    });

    it('when nothing extra is asked for, then tags, tags_count and size are left out', async () => {
      const res = await get(`/registry/repositories/${appWeb.id}`, ids.tokens.maintainer);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual([
        'id',
        'name',
        'path',
        'project_id',
        'location',
        'created_at',
        'last_published_at',
        'cleanup_policy_started_at',
        'expiration_policy_cleanup_status',
        'delete_api_path',
        'status',
      ]);
    });

    it('when the caller is anonymous and the project is public, then the repository is shown', async () => {
      const res = await get(`/registry/repositories/${siteRepo.id}?tags_count=true&size=true`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: Number(siteRepo.id),
        path: siteRepo.path,
        tags_count: 0,
        size: 0,
      });
      expect(res.body).not.toHaveProperty('delete_api_path');
    });

    it('when the caller is anonymous and the project is private or the id unknown, then 401 Unauthorized alike', async () => {
      for (const id of [appWeb.id, 987654n]) {
        const res = await get(`/registry/repositories/${id}`);
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ message: '401 Unauthorized' });
      }
    });

    it("when the caller may not read the repository's project, then 403 Forbidden", async () => {
      for (const [token, repository] of [
        [ids.tokens.outsider, appWeb],
        [ids.tokens.reporter, secretRepo],
        [ids.tokens.guest, appWeb],
      ] as const) {
        const res = await get(`/registry/repositories/${repository.id}`, token);
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ message: '403 Forbidden' });
      }
    });

    it('when no repository has the id, then 404 Repository Not Found', async () => {
      for (const id of ['987654', 'abc']) {
        const res = await get(`/registry/repositories/${id}`, ids.tokens.maintainer);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ message: '404 Repository Not Found' });
      }
    });
  });
});
