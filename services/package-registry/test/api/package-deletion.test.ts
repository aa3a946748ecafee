import request from 'supertest';
import { PACKAGE_DESTRUCTION_QUEUE, type Package, type PackageFile } from '@stowage/package-registry-data';
import { addFile, createPackage } from '../../../../libs/package-registry-data/test/support/package-fixtures';
import { openPackagesApiWorld, WORLD_TIMEOUT_MS, type PackagesApiWorld } from './support/packages-api-world';

describe('GitLab Packages API: one package, its files, pipelines and deletion', () => {
  let world: PackagesApiWorld;
  let counter = 0;

  const call = (method: 'get' | 'delete', path: string, token?: string) => {
    const req = request(world.app)[method](`/api/v4${path}`);
    return token ? req.set('Private-Token', token) : req;
  };
  const base = () => `/projects/${world.ids.app}/packages`;

  async function packageWithFiles(
    fileNames: string[] = ['a.tgz'],
  ): Promise<{ pkg: Package; files: PackageFile[] }> {
    const pkg = await createPackage(world.prisma, {
      projectId: world.ids.app,
      projectPath: 'team/app',
      name: `lib-${++counter}`,
      packageType: 'generic',
    });
    const files = [];
    for (const fileName of fileNames) files.push(await addFile(world.prisma, world.blobs, pkg, { fileName }));
    return { pkg, files };
  }

  beforeAll(async () => {
    world = await openPackagesApiWorld();
  }, WORLD_TIMEOUT_MS);
  afterAll(() => world?.close(), WORLD_TIMEOUT_MS);

  describe('GET /projects/:id/packages/:package_id', () => {
    it('when a reporter asks for a package published by pipelines, then it comes with its newest pipeline and all of them', async () => {
      const { pkg } = await packageWithFiles();
      for (const pipelineId of [7, 8]) {
        await world.prisma.packageBuildInfo.create({
          data: {
            packageId: pkg.id,
            pipelineId,
            ref: 'main',
            sha: `sha${pipelineId}`,
            userId: 103,
            createdAt: new Date(Date.now() - (10 - pipelineId) * 1000),
          },
        });
      }
      const res = await call('get', `${base()}/${pkg.id}`, world.tokens.reporter);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: pkg.id,
        name: pkg.name,
        pipeline: { id: 8, ref: 'main', sha: 'sha8' },
      });
      expect(res.body.pipelines.map((p: { id: number }) => p.id)).toEqual([8, 7]);

      const pipelines = await call('get', `${base()}/${pkg.id}/pipelines?per_page=1`, world.tokens.reporter);
      expect(pipelines.status).toBe(200);
      expect(pipelines.body).toEqual([
        { id: 8, ref: 'main', sha: 'sha8', created_at: expect.any(String), user: { id: 103 } },
      ]);
      expect(pipelines.headers['x-total']).toBe('2');
    });

    it("when the package is another project's, hidden or being deleted, then 404", async () => {
      const other = await createPackage(world.prisma, {
        projectId: world.ids.site,
        projectPath: 'open/site',
      });
      const hidden = await createPackage(world.prisma, {
        projectId: world.ids.app,
        projectPath: 'team/app',
        status: 'hidden',
      });
      const going = await createPackage(world.prisma, {
        projectId: world.ids.app,
        projectPath: 'team/app',
        status: 'pending_destruction',
      });
      for (const pkg of [other, hidden, going]) {
        const res = await call('get', `${base()}/${pkg.id}`, world.tokens.maintainer);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ message: '404 Package Not Found' });
      }
    });

    it('when the package id is too large, then 400; when it is not a number, then no route of the API answers', async () => {
      const big = await call('get', `${base()}/99999999999`, world.tokens.maintainer);
      expect(big.status).toBe(400);
      expect(big.body).toEqual({ error: 'package_id is invalid' });
      expect((await call('get', `${base()}/abc`, world.tokens.maintainer)).status).toBe(404);
    });
  });

  describe('GET .../package_files', () => {
    it('when listed, then the live files come in id order, paginated, in GitLab shape; files being deleted are left out', async () => {
      const { pkg, files } = await packageWithFiles(['b.tgz', 'a.tgz', 'c.tgz']);
      await world.prisma.packageFile.update({
        where: { id: files[2]!.id },
        data: { status: 'pending_destruction' },
      });
      const res = await call('get', `${base()}/${pkg.id}/package_files?per_page=1`, world.tokens.reporter);
      expect(res.status).toBe(200);
      expect(res.headers['x-total']).toBe('2');
      expect(res.body).toEqual([
        {
          id: files[0]!.id,
          package_id: pkg.id,
          created_at: files[0]!.createdAt.toISOString(),
          file_name: 'b.tgz',
          size: Number(files[0]!.size),
          file_md5: files[0]!.md5,
          file_sha1: files[0]!.sha1,
          file_sha256: files[0]!.sha256,
          pipelines: [],
        },
      ]);
      const byName = await call(
        'get',
        `${base()}/${pkg.id}/package_files?order_by=file_name&sort=desc`,
        world.tokens.reporter,
      );
      expect(byName.body.map((file: { file_name: string }) => file.file_name)).toEqual(['b.tgz', 'a.tgz']);
      const bad = await call('get', `${base()}/${pkg.id}/package_files?order_by=size`, world.tokens.reporter);
      expect(bad.status).toBe(400);
    });
  });

  describe('DELETE /projects/:id/packages/:package_id', () => {
    it('when a maintainer deletes a package, then 204, it and its files are pending destruction, package.deleted is recorded and destruction is queued', async () => {
      const { pkg } = await packageWithFiles(['a', 'b']);
      const queuedBefore = world.jobs.jobsOn(PACKAGE_DESTRUCTION_QUEUE).length;

      const res = await call('delete', `${base()}/${pkg.id}`, world.tokens.maintainer);

      expect(res.status).toBe(204);
      const row = await world.prisma.package.findUniqueOrThrow({
        where: { id: pkg.id },
        include: { files: true },
      });
      expect(row.status).toBe('pending_destruction');
      expect(row.files.map((file) => file.status)).toEqual(['pending_destruction', 'pending_destruction']);
      const events = await world.prisma.outboxEvent.findMany({ where: { type: 'package.deleted' } });
      expect(events.map((event) => event.payload)).toContainEqual({
        package_id: pkg.id,
        project_id: world.ids.app,
        package_type: 'generic',
        name: pkg.name,
        version: pkg.version,
      });
      expect(world.jobs.jobsOn(PACKAGE_DESTRUCTION_QUEUE)).toHaveLength(queuedBefore + 1);
      // Gone from the API at once.
      expect((await call('get', `${base()}/${pkg.id}`, world.tokens.maintainer)).status).toBe(404);
      expect((await call('delete', `${base()}/${pkg.id}`, world.tokens.maintainer)).status).toBe(404);
    });

    it('when the broker refuses the job, then the deletion still stands (the sweep does it) and answers 204', async () => {
      const { pkg } = await packageWithFiles();
      world.jobs.failing = true;
      try {
        expect((await call('delete', `${base()}/${pkg.id}`, world.tokens.maintainer)).status).toBe(204);
      } finally {
        world.jobs.failing = false;
      }
      expect((await world.prisma.package.findUniqueOrThrow({ where: { id: pkg.id } })).status).toBe(
        'pending_destruction',
      );
    });

    it.each([
      ['a developer', 403, 'developer'],
      ['a reporter', 403, 'reporter'],
      ['an outsider', 404, 'outsider'],
      ['anonymous', 401, undefined],
    ] as const)('when %s deletes, then %i and nothing changes', async (_who, status, token) => {
      const { pkg } = await packageWithFiles();
      const res = await call('delete', `${base()}/${pkg.id}`, token ? world.tokens[token] : undefined);
      expect(res.status).toBe(status);
      expect((await world.prisma.package.findUniqueOrThrow({ where: { id: pkg.id } })).status).toBe(
        'default',
      );
    });

    it('when a protection rule reserves deleting to owners, then a maintainer is refused with 403 and an owner may', async () => {
      const { pkg } = await packageWithFiles();
      await world.prisma.packageProtectionRule.create({
        data: {
          projectId: world.ids.app,
          packageNamePattern: `${pkg.name.slice(0, 4)}*`,
          packageType: 'generic',
          minimumAccessLevelForDelete: 'owner',
        },
      });
      try {
        const refused = await call('delete', `${base()}/${pkg.id}`, world.tokens.maintainer);
        expect(refused.status).toBe(403);
        expect(refused.body.message).toMatch(/^403 Forbidden - Package protected/);
        expect((await world.prisma.package.findUniqueOrThrow({ where: { id: pkg.id } })).status).toBe(
          'default',
        );
        expect((await call('delete', `${base()}/${pkg.id}`, world.tokens.owner)).status).toBe(204);
      } finally {
        await world.prisma.packageProtectionRule.deleteMany();
      }
    });
  });

  describe('DELETE .../package_files/:package_file_id', () => {
    it('when a maintainer deletes one file, then 204, only that file is pending destruction and the package stays', async () => {
      const { pkg, files } = await packageWithFiles(['a', 'b']);
      const res = await call(
        'delete',
        `${base()}/${pkg.id}/package_files/${files[0]!.id}`,
        world.tokens.maintainer,
      );
      expect(res.status).toBe(204);
      const rows = await world.prisma.packageFile.findMany({
        where: { packageId: pkg.id },
        orderBy: { id: 'asc' },
      });
      expect(rows.map((file) => file.status)).toEqual(['pending_destruction', 'default']);
      expect((await world.prisma.package.findUniqueOrThrow({ where: { id: pkg.id } })).status).toBe(
        'default',
      );
      // Already being deleted: 404.
      const again = await call(
        'delete',
        `${base()}/${pkg.id}/package_files/${files[0]!.id}`,
        world.tokens.maintainer,
      );
      expect(again.status).toBe(404);
    });

    it("when the file is another package's, then 404; a developer gets 403", async () => {
      const { pkg } = await packageWithFiles();
      const { files: others } = await packageWithFiles();
      expect(
        (await call('delete', `${base()}/${pkg.id}/package_files/${others[0]!.id}`, world.tokens.maintainer))
          .status,
      ).toBe(404);
      expect(
        (await call('delete', `${base()}/${pkg.id}/package_files/${others[0]!.id}`, world.tokens.developer))
          .status,
      ).toBe(403);
      expect(
        (await call('delete', `${base()}/${pkg.id}/package_files/x1`, world.tokens.maintainer)).body,
      ).toEqual({
        error: 'package_file_id is invalid',
      });
    });
  });
});
