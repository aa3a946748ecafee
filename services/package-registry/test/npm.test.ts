import { createHash } from 'node:crypto';
import request from 'supertest';
import {
  addMember,
  createGroup,
  createPersonalAccessToken,
  createProject,
  createUser,
} from '../../auth-token/test/support/identity-fixtures';
import { EXTERNAL_URL, openPackageWorld, WORLD_TIMEOUT_MS, type PackageWorld } from './support/package-world';

// npm's registry protocol at GitLab's paths, over HTTP against the service's routes, a real
// auth-token and PGlite: what the npm CLI sends (publish documents, dist-tag bodies, deprecations)
// is built here byte for byte, so refusals can be checked down to the rows and objects left.

const MAX_FILE_BYTES = 64 * 1024;

interface Fixture {
  world: PackageWorld;
  groupPath: string;
  groupId: number;
  projectId: number;
  developer: string;
  maintainer: string;
  outsider: string;
}

function tarballOf(text: string): Buffer {
  return Buffer.from(`pretend tarball: ${text}`);
}

function publishDocument(
  name: string,
  version: string,
  tarball: Buffer,
  options: { tag?: string; shasum?: string; manifest?: Record<string, unknown> } = {},
): Record<string, unknown> {
  const shasum = options.shasum ?? createHash('sha1').update(tarball).digest('hex');
  const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
  return {
    _id: name,
    name,
    description: 'a package',
    'dist-tags': { [options.tag ?? 'latest']: version },
    versions: {
      [version]: {
        name,
        version,
        _id: `${name}@${version}`,
        dist: { shasum, integrity, tarball: `http://wherever/${name}-${version}.tgz` },
        ...options.manifest,
      },
    },
    access: null,
    _attachments: {
      [`${name}-${version}.tgz`]: {
        content_type: 'application/octet-stream',
        data: tarball.toString('base64'),
        length: tarball.length,
      },
    },
  };
}

/** npm's escaping of a name in a path: `@scope%2fname`. */
const escaped = (name: string) => name.replace('/', '%2f');

describe('npm packages', () => {
  let fx: Fixture;
  const projectBase = () => `/api/v4/projects/${fx.projectId}/packages/npm`;
  const groupBase = () => `/api/v4/groups/${fx.groupId}/-/packages/npm`;
  const bearer = (token: string) => `Bearer ${token}`;

  function publish(name: string, document: Record<string, unknown>, token = fx.developer) {
    return request(fx.world.app)
      .put(`${projectBase()}/${escaped(name)}`)
      .set('Authorization', bearer(token))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(document));
  }

  function get(path: string, token: string | null = fx.developer) {
    const call = request(fx.world.app).get(path);
    return token === null ? call : call.set('Authorization', bearer(token));
  }

  async function stored(name: string) {
    const packages = await fx.world.prisma.package.findMany({ where: { name }, include: { files: true } });
    const uploads = (await fx.world.objectKeys()).filter((key) => key.startsWith('packages/uploads/'));
    return { packages, uploads };
  }

  beforeAll(async () => {
    const world = await openPackageWorld({ maxFileBytes: MAX_FILE_BYTES });
    const { prisma } = world.identity;
    const group = await createGroup(prisma, { visibility: 'private' });
    const project = await createProject(prisma, { namespace: group, visibility: 'private' });
    // Members of the group: its endpoint lists the projects of the group they may read.
    const developer = await createUser(prisma);
    await addMember(prisma, developer, { group }, 30);
    const maintainer = await createUser(prisma);
    await addMember(prisma, maintainer, { group }, 40);
    const outsider = await createUser(prisma);
    fx = {
      world,
      groupPath: group.fullPath,
      groupId: group.id,
      projectId: project.id,
      developer: (await createPersonalAccessToken(prisma, developer, ['api'])).token,
      maintainer: (await createPersonalAccessToken(prisma, maintainer, ['api'])).token,
      outsider: (await createPersonalAccessToken(prisma, outsider, ['api'])).token,
    };
  }, WORLD_TIMEOUT_MS);

  afterAll(async () => {
    await fx?.world.close();
  });

  describe('publish and install', () => {
    const name = () => `@${fx.groupPath}/widget`;
    const tarball = tarballOf('widget 1.0.0');

    beforeAll(async () => {
      const res = await publish(
        name(),
        publishDocument(name(), '1.0.0', tarball, { manifest: { readme: 'hi' } }),
      );
      expect(res.status).toBe(200);
    });

    it('when a version is published, then the full document serves it with dist from the stored tarball and latest set', async () => {
      const res = await get(`${projectBase()}/${escaped(name())}`).set('Accept', 'application/json');
      expect(res.status).toBe(200);
      expect(res.body['dist-tags']).toEqual({ latest: '1.0.0' });
      const version = res.body.versions['1.0.0'];
      expect(version.readme).toBe('hi');
      expect(version.dist).toEqual({
        shasum: createHash('sha1').update(tarball).digest('hex'),
        integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
        tarball: `${EXTERNAL_URL}${projectBase()}/${name()}/-/widget-1.0.0.tgz`,
      });
    });

    it('when npm asks for the abbreviated document, then it gets install-v1 without the readme', async () => {
      const res = await get(`${projectBase()}/${escaped(name())}`).set(
        'Accept',
        'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*',
      );
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/vnd\.npm\.install-v1\+json/);
      const body = JSON.parse(res.text);
      expect(body.versions['1.0.0'].readme).toBeUndefined();
      expect(body.versions['1.0.0'].dist.shasum).toBe(createHash('sha1').update(tarball).digest('hex'));
    });

    it('when the tarball link is followed, then the published bytes come back', async () => {
      const res = await get(`${projectBase()}/${name()}/-/widget-1.0.0.tgz`).buffer(true);
      expect(res.status).toBe(200);
      expect(Buffer.from(res.body).equals(tarball)).toBe(true);
    });

    it('when the group endpoint is asked, then tarball links stay on the group endpoint and download', async () => {
      const res = await get(`${groupBase()}/${escaped(name())}`);
      expect(res.status).toBe(200);
      const link = res.body.versions['1.0.0'].dist.tarball as string;
      expect(link).toBe(`${EXTERNAL_URL}${groupBase()}/${name()}/-/widget-1.0.0.tgz`);
      const file = await get(link.slice(EXTERNAL_URL.length)).buffer(true);
      expect(Buffer.from(file.body).equals(tarball)).toBe(true);
      expect((await get(`${groupBase()}/-/package/${escaped(name())}/dist-tags`)).body).toEqual({
        latest: '1.0.0',
      });
    });

    it("when the instance endpoint is asked for the group's scope, then it serves the package", async () => {
      const res = await get(`/api/v4/packages/npm/${escaped(name())}`);
      expect(res.status).toBe(200);
      expect(res.body.versions['1.0.0'].dist.tarball).toBe(
        `${EXTERNAL_URL}/api/v4/packages/npm/${name()}/-/widget-1.0.0.tgz`,
      );
      expect((await get('/api/v4/packages/npm/widget')).status).toBe(404);
    });

    it('when the same version is published again, then npm gets 403 in its shape and nothing is added', async () => {
      const res = await publish(name(), publishDocument(name(), '1.0.0', tarballOf('other bytes')));
      expect(res.status).toBe(403);
      expect(res.body.error).toMatch(/previously published version 1\.0\.0/);
      const { packages } = await stored(name());
      expect(packages).toHaveLength(1);
      expect(packages[0]!.files).toHaveLength(1);
    });

    it('when callers cannot read the project, then anonymous gets 401 and an outsider 404, in npm shape', async () => {
      const anonymous = await get(`${projectBase()}/${escaped(name())}`, null);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error).toBeDefined();
      expect((await get(`${projectBase()}/${escaped(name())}`, fx.outsider)).status).toBe(404);
      expect((await get(`${groupBase()}/${escaped(name())}`, fx.outsider)).status).toBe(404);
      expect((await get(`/api/v4/packages/npm/${escaped(name())}`, fx.outsider)).status).toBe(404);
    });
  });

  describe('dist-tags', () => {
    const name = () => `@${fx.groupPath}/tagged`;
    const tagPath = (tag: string) => `${projectBase()}/-/package/${escaped(name())}/dist-tags/${tag}`;
    const putTag = (tag: string, body: string) =>
      request(fx.world.app)
        .put(tagPath(tag))
        .set('Authorization', bearer(fx.developer))
        .set('Content-Type', 'application/json')
        .send(body);

    beforeAll(async () => {
      expect((await publish(name(), publishDocument(name(), '1.0.0', tarballOf('t1')))).status).toBe(200);
      const beta = publishDocument(name(), '2.0.0-beta.1', tarballOf('t2'), { tag: 'next' });
      expect((await publish(name(), beta)).status).toBe(200);
    });

    it('when a version is published with --tag, then it gets that tag and latest stays', async () => {
      const res = await get(`${projectBase()}/-/package/${escaped(name())}/dist-tags`);
      expect(res.body).toEqual({ latest: '1.0.0', next: '2.0.0-beta.1' });
    });

    it('when a developer adds a tag and a maintainer removes it, then the dist-tags follow', async () => {
      expect((await putTag('stable', '"1.0.0"')).status).toBe(204);
      expect((await get(`${projectBase()}/-/package/${escaped(name())}/dist-tags`)).body.stable).toBe(
        '1.0.0',
      );
      const byDeveloper = await request(fx.world.app)
        .delete(tagPath('stable'))
        .set('Authorization', bearer(fx.developer));
      expect(byDeveloper.status).toBe(403);
      const removed = await request(fx.world.app)
        .delete(tagPath('stable'))
        .set('Authorization', bearer(fx.maintainer));
      expect(removed.status).toBe(204);
      expect(
        (await get(`${projectBase()}/-/package/${escaped(name())}/dist-tags`)).body.stable,
      ).toBeUndefined();
    });

    it.each([
      ['a version that was not published', 404, 'stable', '"9.9.9"'],
      ['a body that is not a JSON string', 400, 'stable', '{"version": "1.0.0"}'],
      ['a body that is not JSON', 400, 'stable', 'nope'],
      ['a tag that is a version range', 400, '1.x', '"1.0.0"'],
    ])('when a tag is put with %s, then it is refused with %i', async (_what, status, tag, body) => {
      const res = await putTag(tag, body);
      expect(res.status).toBe(status);
      expect(res.body.error).toBeDefined();
    });

    it('when latest is removed or a tag removed at group level, then it is refused', async () => {
      const latest = await request(fx.world.app)
        .delete(tagPath('latest'))
        .set('Authorization', bearer(fx.maintainer));
      expect(latest.status).toBe(400);
      const atGroup = await request(fx.world.app)
        .delete(`${groupBase()}/-/package/${escaped(name())}/dist-tags/next`)
        .set('Authorization', bearer(fx.maintainer));
      expect(atGroup.status).toBe(405);
    });
  });

  describe('deprecate', () => {
    const name = () => `@${fx.groupPath}/old`;

    beforeAll(async () => {
      expect((await publish(name(), publishDocument(name(), '1.0.0', tarballOf('old')))).status).toBe(200);
    });

    async function deprecate(message: string) {
      const document = (await get(`${projectBase()}/${escaped(name())}`)).body;
      document.versions['1.0.0'].deprecated = message;
      return publish(name(), document);
    }

    it('when npm sends the document back with a message, then the version is deprecated without a new file; an empty one undoes it', async () => {
      expect((await deprecate('use new')).status).toBe(200);
      let { packages } = await stored(name());
      expect(packages.map((pkg) => [pkg.status, pkg.files.length])).toEqual([['deprecated', 1]]);
      const abbreviated = await get(`${projectBase()}/${escaped(name())}`).set(
        'Accept',
        'application/vnd.npm.install-v1+json',
      );
      expect(JSON.parse(abbreviated.text).versions['1.0.0'].deprecated).toBe('use new');

      expect((await deprecate('')).status).toBe(200);
      ({ packages } = await stored(name()));
      expect(packages[0]!.status).toBe('default');
      expect(
        (await get(`${projectBase()}/${escaped(name())}`)).body.versions['1.0.0'].deprecated,
      ).toBeUndefined();
    });
  });

  describe('bad input stores nothing', () => {
    const tarball = tarballOf('bad');

    it.each([
      ['a name npm does not allow', 400, 'Bad-Name', () => publishDocument('Bad-Name', '1.0.0', tarball)],
      [
        'a wrong shasum',
        400,
        'bad-sha',
        () => publishDocument('bad-sha', '1.0.0', tarball, { shasum: 'a'.repeat(40) }),
      ],
      [
        'a version that is not semver',
        400,
        'bad-version',
        () => publishDocument('bad-version', '1.0', tarball),
      ],
      [
        'a body that names another package',
        400,
        'bad-other',
        () => publishDocument('something-else', '1.0.0', tarball),
      ],
      [
        'a tarball over the size limit',
        413,
        'bad-big',
        () => publishDocument('bad-big', '1.0.0', Buffer.alloc(MAX_FILE_BYTES + 1, 1)),
      ],
    ])(
      'when a publish has %s, then npm gets %i in its shape and nothing is stored',
      async (_what, status, name, document) => {
        const res = await publish(name, document());
        expect(res.status).toBe(status);
        expect(res.body.error).toEqual(expect.any(String));
        expect(await stored(name)).toEqual({ packages: [], uploads: [] });
      },
    );

    it('when the JSON breaks after the attachment, then it is 400 and nothing is stored', async () => {
      const text = JSON.stringify(publishDocument('bad-json', '1.0.0', tarball));
      const res = await request(fx.world.app)
        .put(`${projectBase()}/bad-json`)
        .set('Authorization', bearer(fx.developer))
        .set('Content-Type', 'application/json')
        .send(`${text.slice(0, -1)},}`);
      expect(res.status).toBe(400);
      expect(await stored('bad-json')).toEqual({ packages: [], uploads: [] });
    });

    it('when an outsider publishes, then it is refused before anything is read or stored', async () => {
      const res = await publish(
        'bad-outsider',
        publishDocument('bad-outsider', '1.0.0', tarball),
        fx.outsider,
      );
      expect(res.status).toBe(404);
      expect(await stored('bad-outsider')).toEqual({ packages: [], uploads: [] });
    });
  });

  describe('statuses clients do not see', () => {
    const name = () => `@${fx.groupPath}/statuses`;

    beforeAll(async () => {
      for (const version of ['1.0.0', '1.1.0']) {
        const res = await publish(name(), publishDocument(name(), version, tarballOf(`s ${version}`)));
        expect(res.status).toBe(200);
      }
    });

    it.each(['hidden', 'processing', 'pending_destruction', 'error'])(
      'when a version is %s, then neither its document entry nor its tarball is served',
      async (status) => {
        await fx.world.prisma.package.updateMany({
          where: { name: name(), version: '1.1.0' },
          data: { status },
        });
        const doc = await get(`${projectBase()}/${escaped(name())}`);
        expect(Object.keys(doc.body.versions)).toEqual(['1.0.0']);
        expect(doc.body['dist-tags']).toEqual({});
        expect((await get(`${projectBase()}/${name()}/-/statuses-1.1.0.tgz`)).status).toBe(404);
        await fx.world.prisma.package.updateMany({
          where: { name: name(), version: '1.1.0' },
          data: { status: 'default' },
        });
      },
    );

    it('when every version is hidden, then the package is not found', async () => {
      await fx.world.prisma.package.updateMany({ where: { name: name() }, data: { status: 'hidden' } });
      expect((await get(`${projectBase()}/${escaped(name())}`)).status).toBe(404);
    });
  });
});
