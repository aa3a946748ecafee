import request from 'supertest';
import type { Package } from '@stowage/package-registry-data';
import { createPackage } from '../../../../libs/package-registry-data/test/support/package-fixtures';
import {
  EXTERNAL_URL,
  openPackagesApiWorld,
  WORLD_TIMEOUT_MS,
  type PackagesApiWorld,
} from './support/packages-api-world';

describe('GitLab Packages API: listing packages', () => {
  let world: PackagesApiWorld;
  const pkgs: Record<string, Package> = {};
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

  const get = (path: string, token?: string) => {
    const call = request(world.app).get(`/api/v4${path}`);
    return token ? call.set('Private-Token', token) : call;
  };
  const names = (body: { name: string; version: string | null }[]) =>
    body.map((pkg) => `${pkg.name}@${pkg.version}`);

  beforeAll(async () => {
    world = await openPackagesApiWorld();
    const { prisma } = world;
    const app = { projectId: world.ids.app, projectPath: 'team/app' };
    pkgs.alpha1 = await createPackage(prisma, {
      ...app,
      name: 'Alpha',
      version: '1.0.0',
      packageType: 'generic',
      createdAt: minutesAgo(50),
    });
    pkgs.alpha2 = await createPackage(prisma, {
      ...app,
      name: 'Alpha',
      version: '2.0.0',
      packageType: 'generic',
      createdAt: minutesAgo(40),
    });
    pkgs.beta = await createPackage(prisma, {
      ...app,
      name: 'my-beta',
      version: '0.1.0',
      packageType: 'npm',
      createdAt: minutesAgo(30),
    });
    pkgs.versionless = await createPackage(prisma, {
      ...app,
      name: 'com/acme/lib',
      version: null,
      packageType: 'maven',
      createdAt: minutesAgo(25),
    });
    pkgs.hidden = await createPackage(prisma, {
      ...app,
      name: 'hidden-one',
      version: '1.0.0',
      status: 'hidden',
      createdAt: minutesAgo(20),
    });
    pkgs.deleting = await createPackage(prisma, {
      ...app,
      name: 'going',
      version: '1.0.0',
      status: 'pending_destruction',
      createdAt: minutesAgo(15),
    });
    pkgs.deprecated = await createPackage(prisma, {
      ...app,
      name: 'old-gamma',
      version: '0.0.1',
      packageType: 'npm',
      status: 'deprecated',
      createdAt: minutesAgo(10),
    });
    pkgs.tool = await createPackage(prisma, {
      projectId: world.ids.tool,
      projectPath: 'team/sub/tool',
      name: 'tool-pkg',
      version: '3.0.0',
      createdAt: minutesAgo(5),
    });
    pkgs.secret = await createPackage(prisma, {
      projectId: world.ids.secret,
      projectPath: 'team/secret',
      name: 'secret-pkg',
      version: '1.0.0',
      createdAt: minutesAgo(4),
    });
    pkgs.site = await createPackage(prisma, {
      projectId: world.ids.site,
      projectPath: 'open/site',
      name: 'site-pkg',
      version: '1.0.0',
      packageType: 'pypi',
      createdAt: minutesAgo(3),
    });
  }, WORLD_TIMEOUT_MS);
  afterAll(() => world?.close(), WORLD_TIMEOUT_MS);

  describe('GET /projects/:id/packages', () => {
    it("when a reporter lists a project's packages, then the displayable versioned ones come oldest first in GitLab's shape", async () => {
      const res = await get(`/projects/${world.ids.app}/packages`, world.tokens.reporter);
      expect(res.status).toBe(200);
      expect(names(res.body)).toEqual(['Alpha@1.0.0', 'Alpha@2.0.0', 'my-beta@0.1.0', 'old-gamma@0.0.1']);
      expect(res.body[0]).toEqual({
        id: pkgs.alpha1!.id,
        name: 'Alpha',
        version: '1.0.0',
        package_type: 'generic',
        status: 'default',
        _links: { web_path: `/team/app/-/packages/${pkgs.alpha1!.id}` },
        created_at: pkgs.alpha1!.createdAt.toISOString(),
        last_downloaded_at: null,
        project_id: world.ids.app,
        project_path: 'team/app',
        tags: [],
      });
      expect(res.headers['x-total']).toBe('4');
    });

    it('when a maintainer lists them, then each has its delete_api_path', async () => {
      const res = await get(`/projects/${world.ids.app}/packages?per_page=1`, world.tokens.maintainer);
      expect(res.body[0]._links.delete_api_path).toBe(
        `${EXTERNAL_URL}/api/v4/projects/${world.ids.app}/packages/${pkgs.alpha1!.id}`,
      );
    });

    it.each([
      ['package_type=npm', ['my-beta@0.1.0', 'old-gamma@0.0.1']],
      ['package_name=ALP', ['Alpha@1.0.0', 'Alpha@2.0.0']],
      ['package_name=beta', ['my-beta@0.1.0']],
      ['package_name=alpha&package_version=2.0.0', ['Alpha@2.0.0']],
      ['include_versionless=true&package_type=maven', ['com/acme/lib@null']],
      ['package_type=maven', []],
      ['status=hidden', ['hidden-one@1.0.0']],
      ['status=pending_destruction', ['going@1.0.0']],
      ['order_by=name&sort=desc', ['old-gamma@0.0.1', 'my-beta@0.1.0', 'Alpha@2.0.0', 'Alpha@1.0.0']],
      ['order_by=version', ['old-gamma@0.0.1', 'my-beta@0.1.0', 'Alpha@1.0.0', 'Alpha@2.0.0']],
      ['order_by=type&sort=asc', ['Alpha@1.0.0', 'Alpha@2.0.0', 'my-beta@0.1.0', 'old-gamma@0.0.1']],
      ['sort=desc', ['old-gamma@0.0.1', 'my-beta@0.1.0', 'Alpha@2.0.0', 'Alpha@1.0.0']],
    ])('when filtered by %s, then exactly those packages come back', async (query, expected) => {
      const res = await get(`/projects/${world.ids.app}/packages?${query}`, world.tokens.reporter);
      expect(res.status).toBe(200);
      expect(names(res.body)).toEqual(expected);
    });

    it("when package_name holds LIKE's wildcards, then they match themselves only", async () => {
      const { prisma } = world;
      const literal = await createPackage(prisma, {
        projectId: world.ids.tool,
        projectPath: 'team/sub/tool',
        name: 'under_score',
      });
      const other = await createPackage(prisma, {
        projectId: world.ids.tool,
        projectPath: 'team/sub/tool',
        name: 'underXscore',
      });
      try {
        const res = await get(
          `/projects/${world.ids.tool}/packages?package_name=r_s`,
          world.tokens.maintainer,
        );
        expect(names(res.body)).toEqual(['under_score@1.0.0']);
        const percent = await get(
          `/projects/${world.ids.tool}/packages?package_name=%25`,
          world.tokens.maintainer,
        );
        expect(percent.body).toEqual([]);
      } finally {
        await prisma.package.deleteMany({ where: { id: { in: [literal.id, other.id] } } });
      }
    });

    it('when paginated, then pages do not overlap and the headers and links say where the others are', async () => {
      const first = await get(`/projects/${world.ids.app}/packages?per_page=3&page=1`, world.tokens.reporter);
      const second = await get(
        `/projects/${world.ids.app}/packages?per_page=3&page=2`,
        world.tokens.reporter,
      );
      expect(names(first.body)).toEqual(['Alpha@1.0.0', 'Alpha@2.0.0', 'my-beta@0.1.0']);
      expect(names(second.body)).toEqual(['old-gamma@0.0.1']);
      expect(first.headers).toMatchObject({
        'x-total': '4',
        'x-total-pages': '2',
        'x-next-page': '2',
        'x-per-page': '3',
      });
      expect(first.headers.link).toContain('rel="next"');
    });

    it.each([
      ['package_type=docker', { error: 'package_type does not have a valid value' }],
      ['status=gone', { error: 'status does not have a valid value' }],
      ['order_by=project_path', { error: 'order_by does not have a valid value' }],
      ['sort=up', { error: 'sort does not have a valid value' }],
      ['include_versionless=maybe', { error: 'include_versionless is invalid' }],
      ['page=0', { error: 'page is invalid' }],
      ['package_name=a&package_name=b', { error: 'package_name is invalid' }],
    ])('when given %s, then 400 in Grape words, even before access is checked', async (query, body) => {
      for (const token of [world.tokens.reporter, undefined]) {
        const res = await get(`/projects/${world.ids.app}/packages?${query}`, token);
        expect(res.status).toBe(400);
        expect(res.body).toEqual(body);
      }
    });

    it.each([
      ['anonymous', 401, undefined],
      ['an outsider', 404, 'outsider'],
      ['a guest of a private project', 403, 'guest'],
    ] as const)('when %s asks for a private project, then %i', async (_who, status, token) => {
      const res = await get(`/projects/${world.ids.app}/packages`, token ? world.tokens[token] : undefined);
      expect(res.status).toBe(status);
      if (status === 401) expect(res.headers['www-authenticate']).toMatch(/^Basic /);
    });

    it("when a page's script (X-Requested-With: XMLHttpRequest) is refused anonymously, then 401 without a challenge", async () => {
      for (const path of [`/projects/${world.ids.app}/packages`, `/groups/${world.ids.team}/packages`]) {
        const fromPage = await get(path).set('X-Requested-With', 'XMLHttpRequest');
        expect(fromPage.status).toBe(401);
        expect(fromPage.headers).not.toHaveProperty('www-authenticate');
        // A package manager (no such header) still gets the challenge it needs to send its token.
        const fromClient = await get(path);
        expect(fromClient.status).toBe(401);
        expect(fromClient.headers['www-authenticate']).toMatch(/^Basic /);
      }
    });

    it('when the project is named by its path, or is public and the caller anonymous, then it is listed', async () => {
      const byPath = await get(`/projects/${encodeURIComponent('team/app')}/packages`, world.tokens.reporter);
      expect(byPath.body).toHaveLength(4);
      const open = await get(`/projects/${world.ids.site}/packages`);
      expect(open.status).toBe(200);
      expect(names(open.body)).toEqual(['site-pkg@1.0.0']);
    });

    it('when the token is unknown, then 401', async () => {
      expect((await get(`/projects/${world.ids.site}/packages`, 'glpat-nobody')).status).toBe(401);
    });
  });

  describe('GET /groups/:id/packages', () => {
    it("when the group's maintainer lists it, then every project's packages below it come, subgroups included", async () => {
      const res = await get(
        `/groups/${world.ids.team}/packages?order_by=project_path&sort=asc`,
        world.tokens.maintainer,
      );
      expect(res.status).toBe(200);
      expect(res.body.map((pkg: { project_path: string }) => pkg.project_path)).toEqual([
        'team/app',
        'team/app',
        'team/app',
        'team/app',
        'team/secret',
        'team/sub/tool',
      ]);
    });

    it('when exclude_subgroups is set, then packages of subgroups are left out', async () => {
      const res = await get(`/groups/team/packages?exclude_subgroups=true`, world.tokens.maintainer);
      expect(names(res.body)).not.toContain('tool-pkg@3.0.0');
      expect(names(res.body)).toContain('secret-pkg@1.0.0');
    });

    it('when a caller sees the group but only some of its projects, then only their packages come', async () => {
      // The reporter of team/app is not a member of the group: a private group it cannot see.
      expect((await get(`/groups/${world.ids.team}/packages`, world.tokens.reporter)).status).toBe(404);
      world.identity.users.find((user) => user.username === 'reporter')!.roles.team = 10;
      try {
        const res = await get(`/groups/${world.ids.team}/packages`, world.tokens.reporter);
        expect(names(res.body).sort()).toEqual([
          'Alpha@1.0.0',
          'Alpha@2.0.0',
          'my-beta@0.1.0',
          'old-gamma@0.0.1',
        ]);
      } finally {
        delete world.identity.users.find((user) => user.username === 'reporter')!.roles.team;
      }
    });

    it('when filtered and paginated, then the filters apply across projects', async () => {
      const res = await get(
        `/groups/${world.ids.team}/packages?package_name=pkg&per_page=1&sort=desc`,
        world.tokens.maintainer,
      );
      expect(names(res.body)).toEqual(['secret-pkg@1.0.0']);
      expect(res.headers['x-total']).toBe('2');
    });

    it('when anonymous callers ask for a private group, then 401; a public group lists its public packages', async () => {
      expect((await get(`/groups/${world.ids.team}/packages`)).status).toBe(401);
      const open = await get(`/groups/${world.ids.open}/packages`);
      expect(names(open.body)).toEqual(['site-pkg@1.0.0']);
    });

    it('when exclude_subgroups is not a Boolean, then 400', async () => {
      const res = await get(
        `/groups/${world.ids.team}/packages?exclude_subgroups=perhaps`,
        world.tokens.maintainer,
      );
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'exclude_subgroups is invalid' });
    });
  });
});
