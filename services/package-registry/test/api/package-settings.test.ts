import request from 'supertest';
import { openPackagesApiWorld, WORLD_TIMEOUT_MS, type PackagesApiWorld } from './support/packages-api-world';

describe('GitLab Packages API: protection rules, duplicate settings, cleanup policy', () => {
  let world: PackagesApiWorld;

  const send = (
    method: 'get' | 'post' | 'patch' | 'put' | 'delete',
    path: string,
    token?: string,
    body?: object,
  ) => {
    let req = request(world.app)[method](`/api/v4${path}`);
    if (token) req = req.set('Private-Token', token);
    return body ? req.send(body) : req;
  };

  beforeAll(async () => {
    world = await openPackagesApiWorld();
  }, WORLD_TIMEOUT_MS);
  afterAll(() => world?.close(), WORLD_TIMEOUT_MS);

  describe('/projects/:id/packages/protection/rules', () => {
    const rules = () => `/projects/${world.ids.app}/packages/protection/rules`;
    afterEach(() => world.prisma.packageProtectionRule.deleteMany());

    it('when a maintainer creates, lists, updates and deletes a rule, then each answers in GitLab shape', async () => {
      const created = await send('post', rules(), world.tokens.maintainer, {
        package_name_pattern: '@team/*',
        package_type: 'npm',
        minimum_access_level_for_push: 'maintainer',
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(Number),
        project_id: world.ids.app,
        package_name_pattern: '@team/*',
        package_type: 'npm',
        minimum_access_level_for_push: 'maintainer',
        minimum_access_level_for_delete: null,
      });

      const listed = await send('get', rules(), world.tokens.maintainer);
      expect(listed.body).toEqual([created.body]);
      expect(listed.headers['x-total']).toBe('1');

      const updated = await send('patch', `${rules()}/${created.body.id}`, world.tokens.maintainer, {
        minimum_access_level_for_push: null,
        minimum_access_level_for_delete: 'admin',
      });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({
        minimum_access_level_for_push: null,
        minimum_access_level_for_delete: 'admin',
      });

      expect((await send('delete', `${rules()}/${created.body.id}`, world.tokens.maintainer)).status).toBe(
        204,
      );
      expect((await send('get', rules(), world.tokens.maintainer)).body).toEqual([]);
      expect((await send('delete', `${rules()}/${created.body.id}`, world.tokens.maintainer)).status).toBe(
        404,
      );
    });

    it.each([
      [
        { package_type: 'npm', minimum_access_level_for_push: 'owner' },
        400,
        { error: 'package_name_pattern is missing' },
      ],
      [
        { package_name_pattern: 'a*', minimum_access_level_for_push: 'owner' },
        400,
        { error: 'package_type is missing' },
      ],
      [
        { package_name_pattern: 'a*', package_type: 'docker', minimum_access_level_for_push: 'owner' },
        400,
        { error: 'package_type does not have a valid value' },
      ],
      [
        { package_name_pattern: 'a*', package_type: 'npm', minimum_access_level_for_push: 'developer' },
        400,
        { error: 'minimum_access_level_for_push does not have a valid value' },
      ],
      [
        { package_name_pattern: 'a*', package_type: 'npm', minimum_access_level_for_delete: 'maintainer' },
        400,
        { error: 'minimum_access_level_for_delete does not have a valid value' },
      ],
      [
        {
          package_name_pattern: 'x'.repeat(256),
          package_type: 'npm',
          minimum_access_level_for_push: 'owner',
        },
        400,
        { message: { package_name_pattern: ['is too long (maximum is 255 characters)'] } },
      ],
      [
        { package_name_pattern: 'a*', package_type: 'npm' },
        422,
        { message: 'A rule must have at least a minimum access role for push or delete.' },
      ],
    ])(
      'when created with invalid fields (case %#), then it is refused in GitLab words and nothing is stored',
      async (body, status, answer) => {
        const res = await send('post', rules(), world.tokens.maintainer, body);
        expect(res.status).toBe(status);
        expect(res.body).toEqual(answer);
        expect(await world.prisma.packageProtectionRule.count()).toBe(0);
      },
    );

    it('when the same pattern is created twice for a type, then 422; malformed JSON answers 400', async () => {
      const body = {
        package_name_pattern: 'dup*',
        package_type: 'generic',
        minimum_access_level_for_delete: 'owner',
      };
      expect((await send('post', rules(), world.tokens.maintainer, body)).status).toBe(201);
      const again = await send('post', rules(), world.tokens.maintainer, body);
      expect(again.status).toBe(422);
      expect(again.body).toEqual({ message: 'Package name pattern has already been taken' });
      const broken = await request(world.app)
        .post(`/api/v4${rules()}`)
        .set('Private-Token', world.tokens.maintainer)
        .set('Content-Type', 'application/json')
        .send('{"package_name_pattern":');
      expect(broken.status).toBe(400);
    });

    it('when an update would leave a rule restricting nothing, then 422 and the rule is unchanged', async () => {
      const created = await send('post', rules(), world.tokens.maintainer, {
        package_name_pattern: 'keep*',
        package_type: 'pypi',
        minimum_access_level_for_push: 'owner',
      });
      const res = await send('patch', `${rules()}/${created.body.id}`, world.tokens.maintainer, {
        minimum_access_level_for_push: '',
      });
      expect(res.status).toBe(422);
      expect(
        (await send('get', rules(), world.tokens.maintainer)).body[0].minimum_access_level_for_push,
      ).toBe('owner');
    });

    it.each([
      ['developer', 403],
      ['reporter', 403],
      ['outsider', 404],
    ] as const)('when a %s asks, then %i', async (who, status) => {
      expect((await send('get', rules(), world.tokens[who])).status).toBe(status);
      const res = await send('post', rules(), world.tokens[who], {
        package_name_pattern: 'a*',
        package_type: 'npm',
        minimum_access_level_for_push: 'owner',
      });
      expect(res.status).toBe(status);
      expect(await world.prisma.packageProtectionRule.count()).toBe(0);
    });

    it("when a rule is another project's, then it cannot be changed through this one", async () => {
      const theirs = await world.prisma.packageProtectionRule.create({
        data: {
          projectId: world.ids.tool,
          packageNamePattern: 't*',
          packageType: 'npm',
          minimumAccessLevelForPush: 'owner',
        },
      });
      const res = await send('patch', `${rules()}/${theirs.id}`, world.tokens.maintainer, {
        package_type: 'pypi',
      });
      expect(res.status).toBe(404);
      expect((await send('delete', `${rules()}/${theirs.id}`, world.tokens.maintainer)).status).toBe(404);
    });
  });

  describe('/groups/:id/packages/settings', () => {
    const settings = (group: number | string) => `/groups/${group}/packages/settings`;
    afterEach(() => world.prisma.namespacePackageSetting.deleteMany());

    it("when a group never saved settings, then GitLab's defaults show", async () => {
      const res = await send('get', settings(world.ids.team), world.tokens.owner);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        maven_duplicates_allowed: true,
        maven_duplicate_exception_regex: '',
        generic_duplicates_allowed: true,
        generic_duplicate_exception_regex: '',
        nuget_duplicates_allowed: true,
        nuget_duplicate_exception_regex: '',
      });
    });

    it('when the owner saves some fields, then only those change, and a subgroup inherits them until it saves its own', async () => {
      const res = await send('put', settings(world.ids.team), world.tokens.owner, {
        generic_duplicates_allowed: false,
        generic_duplicate_exception_regex: '-SNAPSHOT$',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        generic_duplicates_allowed: false,
        generic_duplicate_exception_regex: '-SNAPSHOT$',
        maven_duplicates_allowed: true,
      });
      const sub = await send('get', settings(world.ids.sub), world.tokens.owner);
      expect(sub.body).toMatchObject({
        generic_duplicates_allowed: false,
        generic_duplicate_exception_regex: '-SNAPSHOT$',
      });

      await send('put', settings('team%2Fsub'), world.tokens.owner, { generic_duplicates_allowed: 'true' });
      const own = await send('get', settings(world.ids.sub), world.tokens.owner);
      // Its own row: the flag it set, the regex it inherited when it saved.
      expect(own.body).toMatchObject({
        generic_duplicates_allowed: true,
        generic_duplicate_exception_regex: '-SNAPSHOT$',
      });
      const rows = await world.prisma.namespacePackageSetting.findMany({
        orderBy: { namespaceId: 'asc' },
      });
      expect(rows.map((row) => [row.namespacePath, row.packageType, row.duplicatesAllowed])).toEqual([
        ['team', 'generic', false],
        ['team/sub', 'generic', true],
      ]);
    });

    it.each([
      [
        { maven_duplicate_exception_regex: '(' },
        { message: { maven_duplicate_exception_regex: ['is an invalid regexp'] } },
      ],
      [
        { generic_duplicate_exception_regex: '(a)\\1' },
        { message: { generic_duplicate_exception_regex: ['is an invalid regexp'] } },
      ],
      [
        { nuget_duplicate_exception_regex: 'x'.repeat(256) },
        { message: { nuget_duplicate_exception_regex: ['is too long (maximum is 255 characters)'] } },
      ],
      [{ maven_duplicates_allowed: 'sometimes' }, { error: 'maven_duplicates_allowed is invalid' }],
    ])(
      'when given an invalid field (case %#), then 400 naming it and nothing is saved',
      async (body, answer) => {
        const res = await send('put', settings(world.ids.team), world.tokens.owner, {
          generic_duplicates_allowed: false,
          ...body,
        });
        expect(res.status).toBe(400);
        expect(res.body).toEqual(answer);
        expect(await world.prisma.namespacePackageSetting.count()).toBe(0);
      },
    );

    it.each([
      ['maintainer', 403],
      ['reporter', 404],
    ] as const)('when a %s of the group asks, then %i', async (who, status) => {
      expect((await send('get', settings(world.ids.team), world.tokens[who])).status).toBe(status);
      expect(
        (await send('put', settings(world.ids.team), world.tokens[who], { maven_duplicates_allowed: false }))
          .status,
      ).toBe(status);
      expect(await world.prisma.namespacePackageSetting.count()).toBe(0);
    });

    it('when an anonymous caller asks, then 401; an admin may', async () => {
      expect((await send('get', settings(world.ids.open))).status).toBe(401);
      expect((await send('get', settings(world.ids.team), world.tokens.admin)).status).toBe(200);
    });
  });

  describe('/projects/:id/packages/cleanup_policy', () => {
    const policy = () => `/projects/${world.ids.app}/packages/cleanup_policy`;

    it('when a maintainer reads and sets the policy, then it answers GitLab fields and schedules a run 12 hours on', async () => {
      expect((await send('get', policy(), world.tokens.maintainer)).body).toEqual({
        keep_n_duplicated_package_files: 'all',
        next_run_at: null,
      });
      const before = Date.now();
      const res = await send('put', policy(), world.tokens.maintainer, {
        keep_n_duplicated_package_files: '10',
      });
      expect(res.status).toBe(200);
      expect(res.body.keep_n_duplicated_package_files).toBe('10');
      const next = Date.parse(res.body.next_run_at);
      expect(next).toBeGreaterThanOrEqual(before + 12 * 3600_000);
      expect(next).toBeLessThan(Date.now() + 12 * 3600_000 + 1000);
      expect((await send('get', policy(), world.tokens.maintainer)).body).toEqual(res.body);

      const off = await send('put', policy(), world.tokens.maintainer, {
        keep_n_duplicated_package_files: 'all',
      });
      expect(off.body).toEqual({ keep_n_duplicated_package_files: 'all', next_run_at: null });
    });

    it.each([
      [
        { keep_n_duplicated_package_files: '5' },
        { error: 'keep_n_duplicated_package_files does not have a valid value' },
      ],
      [
        { keep_n_duplicated_package_files: 10 },
        { error: 'keep_n_duplicated_package_files does not have a valid value' },
      ],
      [{}, { error: 'keep_n_duplicated_package_files is missing' }],
    ])('when given %j, then 400', async (body, answer) => {
      const res = await send('put', policy(), world.tokens.maintainer, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(answer);
    });

    it('when a developer asks, then 403 and nothing is saved', async () => {
      await world.prisma.packageCleanupPolicy.deleteMany();
      expect((await send('get', policy(), world.tokens.developer)).status).toBe(403);
      expect(
        (await send('put', policy(), world.tokens.developer, { keep_n_duplicated_package_files: '1' }))
          .status,
      ).toBe(403);
      expect(await world.prisma.packageCleanupPolicy.count()).toBe(0);
    });
  });
});
