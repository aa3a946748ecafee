import request from 'supertest';
import {
  CLEANUP_POLICY_RUN_QUEUE,
  DEFAULT_CLEANUP_POLICY,
  saveCleanupPolicy,
  type Repository,
} from '@stowage/registry-data';
import {
  createRepository,
  daysAgo,
  pushImage,
  tagNames,
} from '../../../../libs/registry-data/test/support/registry-fixtures';
import { createIdentityWorld, type IdentityWorld } from './support/identity-world';
import { openRestApiWorld, WORLD_TIMEOUT_MS, type RestApiWorld } from './support/rest-api-world';

describe('cleanup policy preview and run-now', () => {
  let world: RestApiWorld;
  let ids: IdentityWorld;
  let web: Repository;
  let api: Repository;

  const preview = (token?: string) => {
    const call = request(world.app).get(`/api/v4/projects/${ids.app.id}/registry/cleanup_policy/preview`);
    return token ? call.set('Private-Token', token) : call;
  };
  const runNow = (token: string) =>
    request(world.app)
      .post(`/api/v4/projects/${ids.app.id}/registry/cleanup_policy/run`)
      .set('Private-Token', token);

  beforeAll(async () => {
    world = await openRestApiWorld();
    ids = await createIdentityWorld(world.identity, 'policy');
    const prisma = world.registry.prisma;
    web = await createRepository(prisma, `${ids.app.fullPath}/web`, ids.app.id);
    api = await createRepository(prisma, `${ids.app.fullPath}/api`, ids.app.id);
    for (const [name, days] of [
      ['latest', 100],
      ['v1', 40],
      ['v2', 30],
      ['v3', 2],
      ['main', 50],
    ] as const) {
      await pushImage(prisma, web, name, { createdAt: daysAgo(days) });
    }
    await pushImage(prisma, api, 'v9', { createdAt: daysAgo(60) });
    await saveCleanupPolicy(
      prisma,
      ids.app.id,
      { ...DEFAULT_CLEANUP_POLICY, nameRegexDelete: 'v.*', keepN: 1, olderThan: '7d' },
      new Date(),
    );
  }, WORLD_TIMEOUT_MS);

  afterAll(() => world?.close(), WORLD_TIMEOUT_MS);

  it('when a reporter asks for the preview, then each repository lists what a run would delete, oldest first, and nothing changes', async () => {
    const res = await preview(ids.tokens.reporter);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      {
        repository_id: Number(web.id),
        name: 'web',
        path: web.path,
        tags_to_delete_count: 2,
        tags_to_delete: ['v1', 'v2'],
      },
      {
        repository_id: Number(api.id),
        name: 'api',
        path: api.path,
        tags_to_delete_count: 0,
        tags_to_delete: [],
      },
    ]);
    expect(await tagNames(world.registry.prisma, web.id)).toEqual(['latest', 'main', 'v1', 'v2', 'v3']);
    expect(world.jobs.enqueued).toEqual([]);
  });

  it('when an anonymous caller asks for the preview of a private project, then 404 as for any project it may not see', async () => {
    const res = await preview();
    expect([res.status, res.body]).toEqual([404, { message: '404 Project Not Found' }]);
  });

  it('when a maintainer asks for a run, then 202, one job is queued and the repositories show cleanup_scheduled', async () => {
    const res = await runNow(ids.tokens.maintainer);
    expect(res.status).toBe(202);
    expect(world.jobs.jobsOn(CLEANUP_POLICY_RUN_QUEUE)).toEqual([
      { project_id: ids.app.id, queued_at: expect.any(String) },
    ]);
    const rows = await world.registry.prisma.repository.findMany({ where: { projectId: ids.app.id } });
    expect(rows.map((row) => row.expirationPolicyCleanupStatus)).toEqual([
      'cleanup_scheduled',
      'cleanup_scheduled',
    ]);
    const shown = await request(world.app)
      .get(`/api/v4/registry/repositories/${web.id}`)
      .set('Private-Token', ids.tokens.maintainer);
    expect(shown.body).toMatchObject({
      cleanup_policy_started_at: null,
      expiration_policy_cleanup_status: 'cleanup_scheduled',
    });
  });

  it('when a reporter asks for a run, then 403 and nothing is queued', async () => {
    world.jobs.enqueued.length = 0;
    const res = await runNow(ids.tokens.reporter);
    expect([res.status, res.body]).toEqual([403, { message: '403 Forbidden' }]);
    expect(world.jobs.enqueued).toEqual([]);
  });

  it('when the broker refuses the job, then 503 and the repositories are no longer shown scheduled', async () => {
    await world.registry.prisma.repository.updateMany({
      where: { projectId: ids.app.id },
      data: { expirationPolicyCleanupStatus: 'cleanup_unscheduled' },
    });
    world.jobs.failing = true;
    try {
      const res = await runNow(ids.tokens.maintainer);
      expect([res.status, res.body]).toEqual([503, { message: '503 Service Unavailable' }]);
    } finally {
      world.jobs.failing = false;
    }
    const rows = await world.registry.prisma.repository.findMany({ where: { projectId: ids.app.id } });
    expect(rows.every((row) => row.expirationPolicyCleanupStatus === 'cleanup_unscheduled')).toBe(true);
  });
});
