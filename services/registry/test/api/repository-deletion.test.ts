import request from 'supertest';
import { REPOSITORY_DELETE_QUEUE, type Repository } from '@stowage/registry-data';
import { createRepository, pushImage } from '../../../../libs/registry-data/test/support/registry-fixtures';
import { createIdentityWorld, type IdentityWorld } from './support/identity-world';
import { openRestApiWorld, WORLD_TIMEOUT_MS, type RestApiWorld } from './support/rest-api-world';

describe('DELETE /projects/:id/registry/repositories/:repository_id', () => {
  let world: RestApiWorld;
  let ids: IdentityWorld;
  let secretRepo: Repository;
  let counter = 0;

  const remove = (repository: Repository, token: string, projectId = ids.app.id) =>
    request(world.app)
      .delete(`/api/v4/projects/${projectId}/registry/repositories/${repository.id}`)
      .set('Private-Token', token);
  const statusOf = async (repository: Repository) =>
    (await world.registry.prisma.repository.findUniqueOrThrow({ where: { id: repository.id } })).status;
  /** A fresh repository of `team/app` with one tag. */
  const freshRepository = async () => {
    const repository = await createRepository(
      world.registry.prisma,
      `del-team/app/image${++counter}`,
      ids.app.id,
    );
    await pushImage(world.registry.prisma, repository, 'v1');
    return repository;
  };

  beforeAll(async () => {
    world = await openRestApiWorld();
    ids = await createIdentityWorld(world.identity, 'del');
    secretRepo = await createRepository(world.registry.prisma, 'del-team/secret', ids.secret.id);
  }, WORLD_TIMEOUT_MS);

  afterAll(() => world?.close(), WORLD_TIMEOUT_MS);

  beforeEach(() => {
    world.jobs.enqueued.length = 0;
    world.jobs.failing = false;
  });

  it('when a maintainer deletes a repository, then 202, it is delete_scheduled and a deletion job is queued', async () => {
    const repository = await freshRepository();
    const res = await remove(repository, ids.tokens.maintainer);
    expect(res.status).toBe(202);
    expect(await statusOf(repository)).toBe('delete_scheduled');
    expect(world.jobs.jobsOn(REPOSITORY_DELETE_QUEUE)).toEqual([{ repository_id: Number(repository.id) }]);

    const listed = await request(world.app)
      .get(`/api/v4/registry/repositories/${repository.id}`)
      .set('Private-Token', ids.tokens.maintainer);
    expect(listed.body.status).toBe('delete_scheduled');
  });

  it('when the deletion is asked for again while scheduled, then 202 and no second job', async () => {
    const repository = await freshRepository();
    await remove(repository, ids.tokens.maintainer);
    const again = await remove(repository, ids.tokens.maintainer);
    expect(again.status).toBe(202);
    expect(world.jobs.jobsOn(REPOSITORY_DELETE_QUEUE)).toHaveLength(1);
  });

  it('when an earlier deletion failed, then asking again schedules it again', async () => {
    const repository = await freshRepository();
    await world.registry.prisma.repository.update({
      where: { id: repository.id },
      data: { status: 'delete_failed' },
    });
    const res = await remove(repository, ids.tokens.maintainer);
    expect(res.status).toBe(202);
    expect(await statusOf(repository)).toBe('delete_scheduled');
    expect(world.jobs.jobsOn(REPOSITORY_DELETE_QUEUE)).toHaveLength(1);
  });

  it('when the job cannot be queued, then 503 and the repository is back in use', async () => {
    const repository = await freshRepository();
    world.jobs.failing = true;
    const res = await remove(repository, ids.tokens.maintainer);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ message: '503 Service Unavailable' });
    expect(await statusOf(repository)).toBeNull();
    expect(world.jobs.enqueued).toEqual([]);
  });

  it.each([
    ['a reporter', () => ids.tokens.reporter],
    ['a guest', () => ids.tokens.guest],
  ])('when %s deletes a repository, then 403 Forbidden and nothing changes', async (_who, token) => {
    const repository = await freshRepository();
    const res = await remove(repository, token());
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ message: '403 Forbidden' });
    expect(await statusOf(repository)).toBeNull();
    expect(world.jobs.enqueued).toEqual([]);
  });

  it('when an outsider deletes a repository, then 404 Project Not Found', async () => {
    const repository = await freshRepository();
    const res = await remove(repository, ids.tokens.outsider);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: '404 Project Not Found' });
    expect(await statusOf(repository)).toBeNull();
  });

  it("when the repository is another project's, then 404 Repository Not Found and it stays", async () => {
    const res = await remove(secretRepo, ids.tokens.maintainer);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: '404 Repository Not Found' });
    expect(await statusOf(secretRepo)).toBeNull();
    expect(world.jobs.enqueued).toEqual([]);
  });

  it('when the credentials are wrong, then 401 Unauthorized', async () => {
    const repository = await freshRepository();
    const res = await remove(repository, 'glpat-wrong');
    expect(res.status).toBe(401);
    expect(await statusOf(repository)).toBeNull();
  });
});
