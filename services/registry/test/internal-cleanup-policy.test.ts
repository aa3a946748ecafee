import fc from 'fast-check';
import request from 'supertest';
import { openInternalApi, type InternalApiFixture } from './support/internal-api-app';

const SECRET = 'registry-internal-secret-for-tests';
const DAY = 86_400_000;

describe('/internal/v1/projects/:project_id/cleanup_policy', () => {
  let registry: InternalApiFixture;

  const read = (projectId: number | string) =>
    request(registry.app)
      .get(`/internal/v1/projects/${projectId}/cleanup_policy`)
      .set('X-Stowage-Internal-Secret', SECRET);
  const write = (projectId: number | string, body: object, secret = SECRET) =>
    request(registry.app)
      .put(`/internal/v1/projects/${projectId}/cleanup_policy`)
      .set('X-Stowage-Internal-Secret', secret)
      .send(body);

  beforeAll(async () => {
    registry = await openInternalApi({ internalApiSecret: SECRET });
  });

  afterAll(() => registry.close());

  it('when no policy was saved, then GitLab defaults are answered, disabled and never scheduled', async () => {
    const res = await read(41);
    expect([res.status, res.body]).toEqual([
      200,
      {
        cadence: '1d',
        enabled: false,
        keep_n: 10,
        older_than: '90d',
        name_regex: null,
        name_regex_delete: null,
        name_regex_keep: null,
        next_run_at: null,
      },
    ]);
  });

  it('when attributes are saved, then they are applied to the current policy and next_run_at is now + cadence', async () => {
    const before = Date.now();
    const res = await write(42, {
      attributes: { enabled: true, cadence: '7d', name_regex: 'v.*', keep_n: 5 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      enabled: true,
      cadence: '7d',
      keep_n: 5,
      older_than: '90d',
      name_regex: 'v.*',
      name_regex_delete: 'v.*',
    });
    const nextRun = Date.parse(res.body.next_run_at);
    expect(nextRun).toBeGreaterThanOrEqual(before + 7 * DAY);
    expect(nextRun).toBeLessThanOrEqual(Date.now() + 7 * DAY);
    expect((await read(42)).body).toEqual(res.body);

    const second = await write(42, { attributes: { name_regex_keep: 'stable' } });
    expect(second.body).toMatchObject({ cadence: '7d', name_regex_delete: 'v.*', name_regex_keep: 'stable' });
  });

  it('when dry_run is set, then the policy is answered as it would be and nothing is saved', async () => {
    const res = await write(43, { attributes: { enabled: true, cadence: '14d' }, dry_run: true });
    expect(res.body).toMatchObject({ enabled: true, cadence: '14d', next_run_at: null });
    expect((await read(43)).body).toMatchObject({ enabled: false, cadence: '1d' });
  });

  it.each([
    [{ cadence: '2d' }, 'container_expiration_policy.cadence', 'is not included in the list'],
    [{ keep_n: 7 }, 'container_expiration_policy.keep_n', 'is not included in the list'],
    [{ older_than: '1y' }, 'container_expiration_policy.older_than', 'is not included in the list'],
    [
      { name_regex: '(?<=a)b' },
      'container_expiration_policy.name_regex',
      expect.stringMatching(/^not valid RE2 syntax/),
    ],
    [
      { name_regex_delete: 'a(' },
      'container_expiration_policy.name_regex_delete',
      expect.stringMatching(/^not valid RE2 syntax/),
    ],
    [
      { name_regex_keep: 'a)|(b' },
      'container_expiration_policy.name_regex_keep',
      expect.stringMatching(/^not valid RE2 syntax/),
    ],
  ])('when %j is sent, then 400 names the field and nothing is saved', async (attributes, field, problem) => {
    const res = await write(44, { attributes: { enabled: true, ...attributes } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: { [field]: [problem] } });
    expect((await read(44)).body).toMatchObject({ enabled: false, next_run_at: null });
  });

  it('when the project id or the attributes are not what the contract says, then 400 in Grape words', async () => {
    expect((await read('abc')).body).toEqual({ error: 'project_id is invalid' });
    expect((await read(2 ** 31)).status).toBe(400);
    expect((await write(45, {})).body).toEqual({ error: 'attributes is missing' });
  });

  it('when the attributes are anything JSON can hold, then the answer is 200 or a 400 naming a field, never a 5xx', async () => {
    const value = fc.oneof(
      fc.constantFrom('1d', '7d', '3month', '90d', 10, 5, '.*', '(', 'true', null, ''),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const fields = [
      'enabled',
      'cadence',
      'keep_n',
      'older_than',
      'name_regex',
      'name_regex_delete',
      'name_regex_keep',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...fields), value),
        fc.boolean(),
        async (attributes, dryRun) => {
          const res = await write(47, { attributes, dry_run: dryRun });
          if (res.status === 200) return;
          expect(res.status).toBe(400);
          const named = Object.keys(res.body.message ?? {});
          expect(named).toHaveLength(1);
          expect(named[0]).toMatch(/^container_expiration_policy\./);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('when the secret is wrong, then 403 and nothing is saved', async () => {
    const res = await write(46, { attributes: { enabled: true } }, 'wrong');
    expect(res.status).toBe(403);
    expect((await read(46)).body).toMatchObject({ enabled: false });
  });
});
