import request from 'supertest';
import type { Repository } from '@stowage/registry-data';
import {
  createRepository,
  hoursAgo,
  outboxPayloads,
  pushImage,
  pushIndex,
  tagNames,
  type PushedImage,
} from '../../../../libs/registry-data/test/support/registry-fixtures';
import { createIdentityWorld, type IdentityWorld } from './support/identity-world';
import {
  openRestApiWorld,
  REGISTRY_HOST,
  WORLD_TIMEOUT_MS,
  type RestApiWorld,
} from './support/rest-api-world';

describe('GitLab container registry API: tags', () => {
  let world: RestApiWorld;
  let ids: IdentityWorld;
  let web: Repository;
  let secretRepo: Repository;
  let v2: PushedImage;
  const v2CreatedAt = hoursAgo(4);

  const call = (method: 'get' | 'delete', path: string, token?: string) => {
    const req = request(world.app)[method](`/api/v4${path}`);
    return token ? req.set('Private-Token', token) : req;
  };
  const tagsPath = (repository: Repository = web, projectId = ids.app.id) =>
    `/projects/${projectId}/registry/repositories/${repository.id}/tags`;

  beforeAll(async () => {
    world = await openRestApiWorld();
    ids = await createIdentityWorld(world.identity, 'tags');
    const { prisma } = world.registry;
    web = await createRepository(prisma, 'tags-team/app/web', ids.app.id);
    secretRepo = await createRepository(prisma, 'tags-team/secret', ids.secret.id);
    // Pushed (last moved) in an order unlike the names' order.
    await pushImage(prisma, web, 'v1', { createdAt: hoursAgo(5), updatedAt: hoursAgo(1) });
    v2 = await pushImage(prisma, web, 'v2', {
      createdAt: v2CreatedAt,
      updatedAt: v2CreatedAt,
      configSize: 7,
      layerSizes: [500, 60],
    });
    await pushImage(prisma, web, 'latest', { createdAt: hoursAgo(3), updatedAt: hoursAgo(3) });
    await pushImage(prisma, secretRepo, 'v1');
  }, WORLD_TIMEOUT_MS);

  afterAll(() => world?.close(), WORLD_TIMEOUT_MS);

  describe('GET .../tags', () => {
    it('when a reporter lists the tags, then they come in name order with name, path and location', async () => {
      const res = await call('get', tagsPath(), ids.tokens.reporter);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        ['latest', 'v1', 'v2'].map((name) => ({
          name,
          path: `tags-team/app/web:${name}`,
          location: `${REGISTRY_HOST}/tags-team/app/web:${name}`,
        })),
      );
      expect(res.headers['x-total']).toBe('3');
    });

    it('when order_by and sort are given, then the tags come in that order', async () => {
      const names = async (query: string) =>
        (await call('get', `${tagsPath()}?${query}`, ids.tokens.reporter)).body.map(
          (tag: { name: string }) => tag.name,
        );
      expect(await names('sort=desc')).toEqual(['v2', 'v1', 'latest']);
      expect(await names('order_by=updated_at&sort=desc')).toEqual(['v1', 'latest', 'v2']);
      expect(await names('order_by=created_at')).toEqual(['v1', 'v2', 'latest']);
    });

    it('when a page is asked for, then only that page comes, with GitLab pagination headers', async () => {
      const res = await call('get', `${tagsPath()}?per_page=2&page=2`, ids.tokens.reporter);
      expect(res.body.map((tag: { name: string }) => tag.name)).toEqual(['v2']);
      expect(res.headers).toMatchObject({
        'x-total': '3',
        'x-total-pages': '2',
        'x-page': '2',
        'x-prev-page': '1',
      });
    });

    it.each([
      ['order_by=size', 'order_by does not have a valid value'],
      ['sort=up', 'sort does not have a valid value'],
    ])('when %s is sent, then 400 in Grape words', async (query, error) => {
      const res = await call('get', `${tagsPath()}?${query}`, ids.tokens.reporter);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error });
    });

    it("when the repository is another project's, then 404 Repository Not Found", async () => {
      const res = await call('get', tagsPath(secretRepo), ids.tokens.maintainer);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 Repository Not Found' });
    });

    it('when the repository id is not a number, then 400 repository_id is invalid', async () => {
      const res = await call(
        'get',
        `/projects/${ids.app.id}/registry/repositories/web/tags`,
        ids.tokens.maintainer,
      );
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'repository_id is invalid' });
    });

    it('when a guest or an outsider asks, then 403 and 404 as for the repository list', async () => {
      const guest = await call('get', tagsPath(), ids.tokens.guest);
      expect(guest.status).toBe(403);
      const outsider = await call('get', tagsPath(), ids.tokens.outsider);
      expect(outsider.status).toBe(404);
      expect(outsider.body).toEqual({ message: '404 Project Not Found' });
    });
  });

  describe('GET .../tags/:tag_name', () => {
    it('when the tag exists, then its details describe its manifest', async () => {
      const res = await call('get', `${tagsPath()}/v2`, ids.tokens.reporter);
      expect(res.status).toBe(200);
      const revision = v2.configDigest.slice('sha256:'.length);
      expect(res.body).toEqual({
        name: 'v2',
        path: 'tags-team/app/web:v2',
        location: `${REGISTRY_HOST}/tags-team/app/web:v2`,
        revision,
        short_revision: revision.slice(0, 9),
        digest: v2.manifest.digest,
        created_at: v2CreatedAt.toISOString(),
        total_size: Number(v2.manifest.totalSize),
        media_type: 'application/vnd.oci.image.manifest.v1+json',
      });
      expect(Number(v2.manifest.totalSize)).toBe(7 + 500 + 60 + v2.manifest.payload.length);
    });

    it("when the tag is a multi-arch index, then platforms lists its images' platforms without attestations", async () => {
      const { prisma } = world.registry;
      const multi = await createRepository(prisma, 'tags-team/app/multi', ids.app.id);
      const amd64 = await pushImage(prisma, multi, 'amd64', { configSize: 5, layerSizes: [100] });
      const arm = await pushImage(prisma, multi, 'arm', { configSize: 5, layerSizes: [200] });
      const provenance = await pushImage(prisma, multi, 'provenance', { configSize: 1, layerSizes: [3] });
      const index = await pushIndex(prisma, multi, 'latest', [
        { image: amd64, platform: { os: 'linux', architecture: 'amd64' } },
        { image: arm, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
        {
          image: provenance,
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
        },
      ]);
      const res = await call('get', `${tagsPath(multi)}/latest`, ids.tokens.reporter);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        revision: null,
        short_revision: null,
        digest: index.digest,
        media_type: 'application/vnd.oci.image.index.v1+json',
        platforms: [
          { os: 'linux', architecture: 'amd64' },
          { os: 'linux', architecture: 'arm', variant: 'v7' },
        ],
      });
      // An index's total is its children's totals and its own payload.
      expect(res.body.total_size).toBe(
        [amd64, arm, provenance].reduce((sum, image) => sum + Number(image.manifest.totalSize), 0) +
          index.payload.length,
      );
      const single = await call('get', `${tagsPath(multi)}/amd64`, ids.tokens.reporter);
      expect(single.body).not.toHaveProperty('platforms');
    });

    it('when the tag does not exist, then 404 Tag Not Found', async () => {
      for (const name of ['v9', '-not-a-tag-']) {
        const res = await call('get', `${tagsPath()}/${name}`, ids.tokens.reporter);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ message: '404 Tag Not Found' });
      }
    });
  });

  describe('DELETE .../tags/:tag_name', () => {
    it('when a reporter deletes a tag, then 403 Forbidden and the tag stays', async () => {
      const res = await call('delete', `${tagsPath()}/v1`, ids.tokens.reporter);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: '403 Forbidden' });
      expect(await tagNames(world.registry.prisma, web.id)).toContain('v1');
    });

    it('when a maintainer deletes a tag, then 200, it is gone, its event is in the outbox and its manifest awaits GC review', async () => {
      const { prisma } = world.registry;
      const manifest = await prisma.tag.findUniqueOrThrow({
        where: { repositoryId_name: { repositoryId: web.id, name: 'v1' } },
        include: { manifest: true },
      });
      const res = await call('delete', `${tagsPath()}/v1`, ids.tokens.maintainer);
      expect(res.status).toBe(200);
      expect(await tagNames(prisma, web.id)).toEqual(['latest', 'v2']);
      expect(await outboxPayloads(prisma, 'container.tag.deleted')).toEqual([
        { repository: web.path, project_id: ids.app.id, tag: 'v1', digest: manifest.manifest.digest },
      ]);
      const review = await prisma.gcManifestReview.findUnique({
        where: { repositoryId_manifestId: { repositoryId: web.id, manifestId: manifest.manifestId } },
      });
      expect(review?.event).toBe('tag_delete');

      const again = await call('delete', `${tagsPath()}/v1`, ids.tokens.maintainer);
      expect(again.status).toBe(404);
      expect(again.body).toEqual({ message: '404 Tag Not Found' });
    });

    it("when the repository is another project's, then 404 Repository Not Found and nothing is deleted", async () => {
      const res = await call('delete', `${tagsPath(secretRepo)}/v1`, ids.tokens.maintainer);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: '404 Repository Not Found' });
      expect(await tagNames(world.registry.prisma, secretRepo.id)).toEqual(['v1']);
    });
  });
});
