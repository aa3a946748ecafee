import request from 'supertest';
import { BULK_TAG_DELETE_QUEUE, type Repository } from '@stowage/registry-data';
import { createRepository, pushImage } from '../../../../libs/registry-data/test/support/registry-fixtures';
import { createIdentityWorld, type IdentityWorld } from './support/identity-world';
import { openRestApiWorld, WORLD_TIMEOUT_MS, type RestApiWorld } from './support/rest-api-world';

const ONCE_AN_HOUR =
  'This request has already been made. You can run this at most once an hour for a given container repository';

describe('DELETE /projects/:id/registry/repositories/:repository_id/tags', () => {
  let world: RestApiWorld;
  let ids: IdentityWorld;
  let secretRepo: Repository;
  let counter = 0;

  const bulk = (repository: Repository, token: string, projectId = ids.app.id) =>
    request(world.app)
      .delete(`/api/v4/projects/${projectId}/registry/repositories/${repository.id}/tags`)
      .set('Private-Token', token);
  const startedAt = async (repository: Repository) =>
    (await world.registry.prisma.repository.findUniqueOrThrow({ where: { id: repository.id } }))
      .bulkDeleteStartedAt;
  const freshRepository = async () => {
    const repository = await createRepository(
      world.registry.prisma,
      `bulk-team/app/image${++counter}`,
      ids.app.id,
    );
    await pushImage(world.registry.prisma, repository, 'v1');
    return repository;
  };

  beforeAll(async () => {
    world = await openRestApiWorld();
    ids = await createIdentityWorld(world.identity, 'bulk');
    secretRepo = await createRepository(world.registry.prisma, 'bulk-team/secret', ids.secret.id);
  }, WORLD_TIMEOUT_MS);

  afterAll(() => world?.close(), WORLD_TIMEOUT_MS);

  beforeEach(() => {
    world.jobs.enqueued.length = 0;
    world.jobs.failing = false;
  });

  it('when a maintainer sends the rules as a form (as curl --data does), then 202 and a job carries them', async () => {
    const repository = await freshRepository();
    const before = Date.now();
    const res = await bulk(repository, ids.tokens.maintainer).type('form').send({
      name_regex_delete: '[0-9a-z]{40}',
      name_regex_keep: 'release-.*',
      keep_n: '5',
      older_than: '1month',
    });
    expect(res.status).toBe(202);
    const [job] = world.jobs.jobsOn(BULK_TAG_DELETE_QUEUE) as Record<string, unknown>[];
    expect(job).toEqual({
      repository_id: Number(repository.id),
      name_regex_delete: '[0-9a-z]{40}',
      name_regex_keep: 'release-.*',
      keep_n: 5,
      older_than: '1month',
      requested_at: expect.any(String),
    });
    const started = await startedAt(repository);
    expect(started?.toISOString()).toBe(job!.requested_at);
    expect(started!.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('when the rules come as JSON or in the query string, then they are read alike', async () => {
    const json = await freshRepository();
    expect(
      (await bulk(json, ids.tokens.maintainer).send({ name_regex_delete: '.*', keep_n: 2 })).status,
    ).toBe(202);
    const query = await freshRepository();
    expect(
      (await bulk(query, ids.tokens.maintainer).query({ name_regex_delete: 'v.+', older_than: '7d' })).status,
    ).toBe(202);
    expect(world.jobs.jobsOn(BULK_TAG_DELETE_QUEUE)).toEqual([
      expect.objectContaining({
        name_regex_delete: '.*',
        keep_n: 2,
        name_regex_keep: null,
        older_than: null,
      }),
      expect.objectContaining({ name_regex_delete: 'v.+', keep_n: null, older_than: '7d' }),
    ]);
  });

  it('when only the deprecated name_regex is sent, then it is the delete pattern', async () => {
    const repository = await freshRepository();
    const res = await bulk(repository, ids.tokens.maintainer).send({ name_regex: 'v.*' });
    expect(res.status).toBe(202);
    expect(world.jobs.jobsOn(BULK_TAG_DELETE_QUEUE)).toEqual([
      expect.objectContaining({ name_regex_delete: 'v.*' }),
    ]);
  });

  it('when a second request comes within the hour, then 400 once an hour and no second job', async () => {
    const repository = await freshRepository();
    expect((await bulk(repository, ids.tokens.maintainer).send({ name_regex_delete: '.*' })).status).toBe(
      202,
    );
    const first = await startedAt(repository);
    const again = await bulk(repository, ids.tokens.maintainer).send({ name_regex_delete: 'v1' });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ message: ONCE_AN_HOUR });
    expect(world.jobs.jobsOn(BULK_TAG_DELETE_QUEUE)).toHaveLength(1);
    expect(await startedAt(repository)).toEqual(first);
  });

  it('when the last request is over an hour old, then a new one is accepted', async () => {
    const repository = await freshRepository();
    await world.registry.prisma.repository.update({
      where: { id: repository.id },
      data: { bulkDeleteStartedAt: new Date(Date.now() - 61 * 60_000) },
    });
    expect((await bulk(repository, ids.tokens.maintainer).send({ name_regex_delete: '.*' })).status).toBe(
      202,
    );
    expect(world.jobs.jobsOn(BULK_TAG_DELETE_QUEUE)).toHaveLength(1);
  });

  it('when the job cannot be queued, then 503, the hour is given back and a retry is accepted', async () => {
    const repository = await freshRepository();
    const earlier = new Date(Date.now() - 2 * 3600_000);
    await world.registry.prisma.repository.update({
      where: { id: repository.id },
      data: { bulkDeleteStartedAt: earlier },
    });
    world.jobs.failing = true;
    const res = await bulk(repository, ids.tokens.maintainer).send({ name_regex_delete: '.*' });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ message: '503 Service Unavailable' });
    expect(await startedAt(repository)).toEqual(earlier);
    world.jobs.failing = false;
    expect((await bulk(repository, ids.tokens.maintainer).send({ name_regex_delete: '.*' })).status).toBe(
      202,
    );
  });

  describe('when the request is invalid, then 400 and nothing is stored', () => {
    it.each<[string, Record<string, unknown>, Record<string, string> | RegExp]>([
      ['no delete pattern', { keep_n: 1 }, { error: 'name_regex_delete is missing' }],
      ['a look-behind', { name_regex_delete: '(?<=a)b' }, /^name_regex_delete is an invalid regexp: /],
      ['an unclosed class', { name_regex_delete: '[' }, /^name_regex_delete is an invalid regexp: /],
      [
        'a pattern escaping its anchors',
        { name_regex_delete: 'a)|(b' },
        /^name_regex_delete is an invalid regexp: /,
      ],
      [
        'a back-reference to keep',
        { name_regex_delete: '.*', name_regex_keep: '(a)\\1' },
        /^name_regex_keep is an invalid regexp: /,
      ],
      ['a bad deprecated pattern', { name_regex: '(' }, /^name_regex is an invalid regexp: /],
      ['a negative keep_n', { name_regex_delete: '.*', keep_n: -1 }, { error: 'keep_n is invalid' }],
      [
        'a keep_n that is no number',
        { name_regex_delete: '.*', keep_n: 'five' },
        { error: 'keep_n is invalid' },
      ],
      [
        'an unknown duration',
        { name_regex_delete: '.*', older_than: 'soon' },
        { error: 'older_than is invalid' },
      ],
      [
        'a unit that does not exist',
        { name_regex_delete: '.*', older_than: '3 fortnights' },
        { error: 'older_than is invalid' },
      ],
      [
        'a pattern that is no string',
        { name_regex_delete: ['a', 'b'] },
        { error: 'name_regex_delete is invalid' },
      ],
    ])('%s', async (_case, body, expected) => {
      const repository = await freshRepository();
      const res = await bulk(repository, ids.tokens.maintainer).send(body);
      expect(res.status).toBe(400);
      if (expected instanceof RegExp) expect(res.body.error).toMatch(expected);
      else expect(res.body).toEqual(expected);
      expect(await startedAt(repository)).toBeNull();
      expect(world.jobs.enqueued).toEqual([]);
    });
  });

  it('when a reporter sends it, then 403 Forbidden and nothing is stored', async () => {
    const repository = await freshRepository();
    const res = await bulk(repository, ids.tokens.reporter).send({ name_regex_delete: '.*' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ message: '403 Forbidden' });
    expect(await startedAt(repository)).toBeNull();
    expect(world.jobs.enqueued).toEqual([]);
  });

  it("when the repository is another project's, then 404 Repository Not Found", async () => {
    const res = await bulk(secretRepo, ids.tokens.maintainer).send({ name_regex_delete: '.*' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: '404 Repository Not Found' });
    expect(await startedAt(secretRepo)).toBeNull();
  });

  it('when an anonymous client sends it to a private project, then 404 Project Not Found', async () => {
    const repository = await freshRepository();
    const res = await request(world.app)
      .delete(`/api/v4/projects/${ids.app.id}/registry/repositories/${repository.id}/tags`)
      .send({ name_regex_delete: '.*' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: '404 Project Not Found' });
  });
});
