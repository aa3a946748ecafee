import { proxyBlobKey } from '@stowage/dependency-proxy-data';
import { scrapeSum } from '../prometheus';
import { CACHE_HEADER, cachedManifests, downloadProxyBlob, proxyRequest, proxyToken } from './proxy-api';
import type { ProxyFixture } from './proxy-fixture';

/**
 * The cache as docker sees it against the "local" docker-registry: a first pull fetches, a
 * second only revalidates the tag with one HEAD, and an upstream outage is survived for what is
 * cached. The steps run in order and build on each other.
 */

const METRIC = 'stowage_dependency_proxy';
const manifestPath = (image: string) => new RegExp(`^/v2/${image}/manifests/`);

export function cachingScenarios(fx: ProxyFixture): void {
  const metric = (name: string, labels: Record<string, string> = {}) =>
    scrapeSum(fx.world().stack.proxyServiceUrl, `${METRIC}_${name}`, labels);
  const appRef = () => `${fx.imageRef(fx.world().ids.privateGroup.path, 'app')}:v1`;
  const memberToken = () => {
    const { stack, ids } = fx.world();
    return proxyToken(stack.base, ids.member, ids.privateGroup.path, 'app');
  };
  const repoDigests = async (ref: string) =>
    JSON.parse(
      (await fx.docker$(['image', 'inspect', '--format', '{{json .RepoDigests}}', ref])).stdout,
    ) as string[];

  fx.step(
    'when docker pulls an image through the proxy for the first time, then the proxy fetches it from the upstream and docker gets the upstream digest',
    async () => {
      const { local, ids, images, stack } = fx.world();
      const upstreamHead = await fetch(`${local.url}/v2/app/manifests/v1`, {
        method: 'HEAD',
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      expect(upstreamHead.headers.get('docker-content-digest')).toBe(images.app.digest);
      const missesBefore = await metric('cache_misses_total');
      await local.clearRequests();
      await fx.dockerLogin(ids.member);

      const run = await fx.docker$(['pull', appRef()]);

      expect(run.stdout).toContain(`Digest: ${images.app.digest}`);
      expect(await repoDigests(appRef())).toContain(
        `${fx.imageRef(ids.privateGroup.path, 'app')}@${images.app.digest}`,
      );
      const during = await local.requests();
      expect(during.filter((r) => r.method === 'GET' && manifestPath('app').test(r.uri)).length).toBe(1);
      for (const blob of images.app.blobs)
        expect(
          during.filter((r) => r.method === 'GET' && r.uri === `/v2/app/blobs/${blob.digest}`),
        ).toHaveLength(1);
      expect(await metric('cache_misses_total')).toBeGreaterThan(missesBefore);
      expect(await cachedManifests(stack.api, ids.privateGroup.id)).toContainEqual(
        expect.objectContaining({ image: 'app', tag: 'v1', digest: images.app.digest }),
      );
    },
  );

  fx.step(
    'when docker pulls the same tag again after docker rmi, then the upstream sees exactly one manifest HEAD and no GET, and the proxy says hit',
    async () => {
      const { local, ids, images, stack } = fx.world();
      await fx.docker$(['image', 'rm', appRef()]);
      const hitsBefore = await metric('cache_hits_total');
      await local.clearRequests();

      const run = await fx.docker$(['pull', appRef()]);

      expect(run.stdout).toContain(`Digest: ${images.app.digest}`);
      expect(await local.requests()).toEqual([{ method: 'HEAD', uri: '/v2/app/manifests/v1', status: 200 }]);
      expect(await metric('cache_hits_total')).toBeGreaterThan(hitsBefore);
      const token = await memberToken();
      const blob = await proxyRequest(stack.base, {
        groupPath: ids.privateGroup.path,
        image: 'app',
        rest: `blobs/${images.app.blobs[1]!.digest}`,
        token,
      });
      expect({ status: blob.status, cache: blob.headers[CACHE_HEADER] }).toEqual({
        status: 200,
        cache: 'hit',
      });
    },
  );

  fx.step(
    'when storage has lost a blob the cache still lists (a purge raced the read), then the next GET fetches it from the upstream again instead of answering 404',
    async () => {
      const { local, ids, images, stack } = fx.world();
      const layer = images.app.blobs[1]!;
      // In distributed mode the gateway would send the cached object itself: the proxy must
      // find out that it is gone before it hands the body over.
      await stack.blobs.delete(proxyBlobKey(layer.digest));
      await local.clearRequests();

      const blob = await downloadProxyBlob(stack.base, {
        groupPath: ids.privateGroup.path,
        image: 'app',
        digest: layer.digest,
        token: await memberToken(),
        timeoutMs: 60_000,
      });

      expect({ status: blob.status, digest: blob.digest }).toEqual({ status: 200, digest: layer.digest });
      expect(
        (await local.requests()).filter(
          (r) => r.method === 'GET' && r.uri === `/v2/app/blobs/${layer.digest}`,
        ),
      ).toHaveLength(1);
      expect(await stack.blobs.stat(proxyBlobKey(layer.digest))).not.toBeNull();
    },
  );

  fx.step(
    'when the upstream is stopped, then docker still pulls the cached tag (the proxy says stale) and an uncached tag answers an OCI error at once',
    async () => {
      const { local, ids, images, stack } = fx.world();
      const staleBefore = await metric('stale_serves_total');
      await fx.docker$(['image', 'rm', appRef()]);
      await local.pause();
      try {
        const run = await fx.docker$(['pull', appRef()]);
        expect(run.stdout).toContain(`Digest: ${images.app.digest}`);
        const token = await memberToken();
        const cached = await proxyRequest(stack.base, {
          groupPath: ids.privateGroup.path,
          image: 'app',
          rest: 'manifests/v1',
          token,
        });
        expect({ status: cached.status, cache: cached.headers[CACHE_HEADER] }).toEqual({
          status: 200,
          cache: 'stale',
        });
        expect(await metric('stale_serves_total')).toBeGreaterThan(staleBefore);

        const startedAt = Date.now();
        const uncached = await proxyRequest(stack.base, {
          groupPath: ids.privateGroup.path,
          image: 'app',
          rest: 'manifests/uncached',
          token,
          timeoutMs: 30_000,
        });
        expect(Date.now() - startedAt).toBeLessThan(30_000);
        expect(uncached.status).toBeGreaterThanOrEqual(400);
        expect(uncached.headers['content-type']).toMatch(/json/);
        expect(JSON.parse(uncached.body)).toEqual({
          errors: [expect.objectContaining({ code: expect.any(String), message: expect.any(String) })],
        });
        const refused = await fx
          .docker()
          .docker(['pull', `${fx.imageRef(ids.privateGroup.path, 'app')}:uncached`], {
            timeoutMs: 60_000,
          });
        expect(refused.code).not.toBe(0);
      } finally {
        await local.resume();
      }
    },
  );
}
