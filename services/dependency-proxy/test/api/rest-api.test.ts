import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Express } from 'express';
import { InProcessJobQueue } from '@stowage/bus';
import { recordCachedBlob } from '@stowage/dependency-proxy-data';
import { createMetrics, createServiceApp, gitlabErrorFormat } from '@stowage/http';
import { createIdentityClient } from '@stowage/identity-client';
import { createSilentLogger } from '@stowage/logging';
import { MEDIA_TYPES } from '@stowage/oci';
import { SecretCipher } from '@stowage/secrets';
import { ACCESS_LEVEL } from '../../../auth-token/src/domain/access-level';
import { openIdentityApp, type IdentityApp } from '../../../auth-token/test/support/identity-app';
import {
  addMember,
  createGroup,
  createPersonalAccessToken,
  createUser,
} from '../../../auth-token/test/support/identity-fixtures';
import { dependencyProxyRestApi } from '../../src/http/api';
import { openProxyState, type ProxyStateFixture } from '../support/proxy-db';
import { cacheUpstreamManifest, digestOfText } from './cached-images';

const EXTERNAL_URL = 'http://gitlab.example.test';
/** Two PGlite databases start and migrate: slow on a busy 2-core machine. */
const WORLD_TIMEOUT_MS = 180_000;

describe('dependency proxy REST API: cache sizes', () => {
  let identity: IdentityApp;
  let state: ProxyStateFixture;
  let server: http.Server;
  let jobs: InProcessJobQueue;
  let app: Express;
  let groupId: number;
  let emptyGroupId: number;
  let openGroupId: number;
  const tokens = { owner: '', guest: '', outsider: '' };

  const get = (path: string, token?: string) => {
    const call = request(app).get(`/api/v4${path}`);
    return token ? call.set('Private-Token', token) : call;
  };

  beforeAll(async () => {
    [identity, state] = await Promise.all([openIdentityApp(), openProxyState()]);
    server = http.createServer(identity.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    jobs = new InProcessJobQueue();
    app = createServiceApp({
      logger: createSilentLogger(),
      metrics: createMetrics({ service: 'dependency-proxy' }),
      health: { checks: {} },
      errorFormat: gitlabErrorFormat,
      routes: (router) =>
        router.use(
          '/api/v4',
          dependencyProxyRestApi({
            prisma: state.prisma,
            jobs,
            identity: createIdentityClient({ authTokenUrl: `http://127.0.0.1:${port}`, cacheTtlMs: 0 }),
            secrets: new SecretCipher(
              'a test key of at least thirty-two chars',
              'DEPENDENCY_PROXY_ENCRYPTION_KEY',
            ),
            externalUrl: EXTERNAL_URL,
          }),
        ),
    });
    const { prisma } = identity;
    const group = await createGroup(prisma, { path: 'dpsizes-team', visibility: 'private' });
    const empty = await createGroup(prisma, { path: 'dpsizes-empty', visibility: 'private' });
    const open = await createGroup(prisma, { path: 'dpsizes-open', visibility: 'public' });
    openGroupId = open.id;
    groupId = group.id;
    emptyGroupId = empty.id;
    for (const [role, level] of [
      ['owner', ACCESS_LEVEL.owner],
      ['guest', ACCESS_LEVEL.guest],
      ['outsider', null],
    ] as const) {
      const user = await createUser(prisma);
      tokens[role] = (await createPersonalAccessToken(prisma, user, ['api'])).token;
      if (level !== null) {
        await addMember(prisma, user, { group }, level);
        await addMember(prisma, user, { group: empty }, level);
      }
    }
  }, WORLD_TIMEOUT_MS);

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await jobs?.close();
    await state?.close();
    await identity?.close();
  }, WORLD_TIMEOUT_MS);

  describe('with a single-arch image, a multi-arch index with one platform pulled, and their blobs', () => {
    let single: { digest: string; size: number };
    let amd64: { digest: string; size: number };
    let index: { digest: string; size: number };
    const blobSizes = [7, 1000, 11, 2000];

    beforeAll(async () => {
      const { prisma } = state;
      single = await cacheUpstreamManifest(prisma, groupId, 'library/alpine', '3.19', {
        config: 7,
        layers: [1000],
      });
      amd64 = await cacheUpstreamManifest(prisma, groupId, 'library/node', null, {
        config: 11,
        layers: [2000],
      });
      index = await cacheUpstreamManifest(prisma, groupId, 'library/node', '22', {
        children: [
          { digest: amd64.digest, platform: { os: 'linux', architecture: 'amd64' } },
          // Never pulled, so not in the cache and not counted.
          { digest: digestOfText('arm64'), platform: { os: 'linux', architecture: 'arm64' } },
        ],
      });
      for (const [n, size] of blobSizes.entries()) {
        await recordCachedBlob(prisma, groupId, digestOfText(`blob ${n}`), size);
      }
    });

    it('when the manifests are listed, then total_size is the image size and size stays the manifest size', async () => {
      const res = await get(`/groups/${groupId}/dependency_proxy/manifests`, tokens.guest);
      expect(res.status).toBe(200);
      const byDigest = new Map(res.body.map((row: { digest: string }) => [row.digest, row]));
      expect(byDigest.get(single.digest)).toMatchObject({
        image: 'library/alpine',
        tag: '3.19',
        size: single.size,
        total_size: 7 + 1000,
      });
      expect(byDigest.get(amd64.digest)).toMatchObject({ tag: null, total_size: 11 + 2000 });
      expect(byDigest.get(index.digest)).toMatchObject({
        tag: '22',
        media_type: MEDIA_TYPES.ociIndex,
        size: index.size,
        total_size: 11 + 2000,
      });
    });

    it('when the storage is asked for, then it sums every cached blob and manifest and counts them', async () => {
      const res = await get(`/groups/${groupId}/dependency_proxy/storage`, tokens.guest);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        total_size: blobSizes.reduce((a, b) => a + b, 0) + single.size + amd64.size + index.size,
        image_count: 3,
        blob_count: 4,
      });
    });
  });

  it('when the group has cached nothing, then its storage is all zeros', async () => {
    const res = await get(`/groups/${emptyGroupId}/dependency_proxy/storage`, tokens.owner);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ total_size: 0, image_count: 0, blob_count: 0 });
  });

  it('when the caller may not see the group, then 404 for the storage as for the manifests list', async () => {
    for (const token of [tokens.outsider, undefined]) {
      for (const path of ['storage', 'manifests']) {
        const res = await get(`/groups/${groupId}/dependency_proxy/${path}`, token);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ message: '404 Group Not Found' });
      }
    }
  });

  it('when an anonymous caller asks about a public group, then 401 for the storage as for the manifests list', async () => {
    for (const path of ['storage', 'manifests']) {
      const res = await get(`/groups/${openGroupId}/dependency_proxy/${path}`);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: '401 Unauthorized' });
    }
  });
});
