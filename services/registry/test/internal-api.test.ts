import request from 'supertest';
import { deleteTag } from '@stowage/registry-data';
import { MAX_PROJECT_IDS } from '../src/http/internal/tags-present-request';
import { openInternalApi, tagImage, type InternalApiFixture } from './support/internal-api-app';

const SECRET = 'registry-internal-secret-for-tests';
const ENDPOINT = '/internal/v1/projects/tags-present';

describe('POST /internal/v1/projects/tags-present', () => {
  let registry: InternalApiFixture;

  const ask = (body: unknown, secret: string | null = SECRET) => {
    const call = request(registry.app).post(ENDPOINT);
    return secret === null
      ? call.send(body as object)
      : call.set('X-Stowage-Internal-Secret', secret).send(body as object);
  };

  beforeAll(async () => {
    registry = await openInternalApi({ internalApiSecret: SECRET });
    // 11 and 12 have tagged images (12 in two repositories); 13 only an untagged one; 14 nothing.
    await tagImage(registry.prisma, 11, 'team/app', 'latest');
    await tagImage(registry.prisma, 12, 'team/tools/builder', 'v1');
    await tagImage(registry.prisma, 12, 'team/tools/builder/cache', 'main');
    const untagged = await tagImage(registry.prisma, 13, 'team/untagged', 'replaced');
    await deleteTag(registry.prisma, untagged, 'replaced');
  });

  afterAll(() => registry.close());

  it('when asked about projects with and without tags, then only those with tags are named, once and in order', async () => {
    const res = await ask({ project_ids: [14, 12, 13, 11, 12, 999] });

    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ project_ids_with_tags: [11, 12] });
  });

  it('when asked about no project, then none has tags', async () => {
    const res = await ask({ project_ids: [] });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ project_ids_with_tags: [] });
  });

  it('when the last tag of a project is deleted, then the project no longer has tags', async () => {
    const repository = await tagImage(registry.prisma, 15, 'team/short-lived', 'only');
    expect((await ask({ project_ids: [15] })).body).toEqual({ project_ids_with_tags: [15] });

    expect(await deleteTag(registry.prisma, repository, 'only')).toBe(true);

    expect((await ask({ project_ids: [15] })).body).toEqual({ project_ids_with_tags: [] });
  });

  it('when project_ids is missing, then 400 says so in GitLab words', async () => {
    for (const body of [{}, { project_id: [1] }, { project_ids: null }]) {
      const res = await ask(body);
      expect({ body, status: res.status, answer: res.body }).toEqual({
        body,
        status: 400,
        answer: { error: 'project_ids is missing' },
      });
    }
  });

  it.each([
    ['a number', 11],
    ['a string', '11'],
    ['a list of strings', ['11']],
    ['a list holding zero', [0]],
    ['a list holding a negative id', [-11]],
    ['a list holding a fraction', [11.5]],
    ['a list holding an id beyond PostgreSQL integers', [2 ** 31]],
    ['a list of objects', [{ id: 11 }]],
  ])('when project_ids is %s, then 400 project_ids is invalid', async (_name, projectIds) => {
    const res = await ask({ project_ids: projectIds });

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'project_ids is invalid' });
  });

  it('when more ids than one call may carry are sent, then 400 names the limit', async () => {
    const ids = Array.from({ length: MAX_PROJECT_IDS + 1 }, (_, i) => i + 1);

    const res = await ask({ project_ids: ids });

    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: `project_ids is expected to have length less than or equal to ${MAX_PROJECT_IDS}`,
    });
    expect((await ask({ project_ids: ids.slice(1) })).body).toEqual({ project_ids_with_tags: [11, 12] });
  });

  it('when the body is larger than the limit, then 413 before anything is parsed', async () => {
    const res = await ask({ project_ids: [11], padding: 'x'.repeat(100 * 1024) });

    expect(res.status).toBe(413);
  });

  it('when the body is not JSON, then 400 and no answer about any project', async () => {
    const malformed = await request(registry.app)
      .post(ENDPOINT)
      .set('X-Stowage-Internal-Secret', SECRET)
      .set('Content-Type', 'application/json')
      .send('{"project_ids": [11');
    const notJson = await request(registry.app)
      .post(ENDPOINT)
      .set('X-Stowage-Internal-Secret', SECRET)
      .type('form')
      .send('project_ids=11');

    expect(malformed.status).toBe(400);
    expect(malformed.body).not.toHaveProperty('project_ids_with_tags');
    expect(notJson.status).toBe(400);
    expect(notJson.body).toEqual({ error: 'project_ids is missing' });
  });

  it('when the shared secret is missing or wrong, then 403 and nothing is revealed', async () => {
    for (const secret of [null, '', 'wrong', `${SECRET}x`, SECRET.slice(0, -1)]) {
      const res = await ask({ project_ids: [11] }, secret);
      expect({ secret, status: res.status, body: res.body }).toEqual({
        secret,
        status: 403,
        body: { message: '403 Forbidden' },
      });
    }
  });
});

describe('POST /internal/v1/projects/tags-present without INTERNAL_API_SECRET', () => {
  let registry: InternalApiFixture;

  beforeAll(async () => {
    registry = await openInternalApi({ internalApiSecret: '' });
    await tagImage(registry.prisma, 21, 'open/app', 'latest');
  });

  afterAll(() => registry.close());

  it('when no secret is configured, then callers need none', async () => {
    const res = await request(registry.app)
      .post(ENDPOINT)
      .send({ project_ids: [21, 22] });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ project_ids_with_tags: [21] });
  });
});
