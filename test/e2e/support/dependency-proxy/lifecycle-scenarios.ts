import { waitUntil } from '../processes';
import { cachedManifests, proxyRequest, proxyToken, purgeAndWait, putProxySettings } from './proxy-api';
import type { ProxyFixture } from './proxy-fixture';

/** What empties the cache: a purge through the API, and the TTL policy on the cleanup-worker. */
export function lifecycleScenarios(fx: ProxyFixture, options: { ttl: boolean }): void {
  fx.step(
    'when the group cache is purged and docker pulls again, then the proxy fetches the image from the upstream again',
    async () => {
      const { stack, local, ids, images } = fx.world();
      const ref = `${fx.imageRef(ids.privateGroup.path, 'app')}:v1`;
      await purgeAndWait(stack.api, ids.privateGroup.id);
      await fx.docker().docker(['image', 'rm', ref]);
      await fx.dockerLogin(ids.member);
      await local.clearRequests();

      await fx.docker$(['pull', ref]);

      const asked = await local.requests();
      expect(asked.filter((r) => r.method === 'GET' && r.uri === '/v2/app/manifests/v1')).toHaveLength(1);
      for (const blob of images.app.blobs)
        expect(
          asked.filter((r) => r.method === 'GET' && r.uri === `/v2/app/blobs/${blob.digest}`),
        ).toHaveLength(1);
    },
  );

  if (!options.ttl) return;

  fx.step(
    'when cached entries have been unread for longer than the TTL, then the policy removes them and keeps the recently read ones',
    async () => {
      const { stack, ids, images } = fx.world();
      const database = stack.database;
      if (!database) throw new Error('the TTL scenario needs SQL on the stack database');
      const token = await proxyToken(stack.base, ids.member, ids.privateGroup.path, 'ttl');
      for (const rest of [`manifests/${images.ttl.tag}`, `blobs/${images.ttl.blobs[1]!.digest}`]) {
        const answer = await proxyRequest(stack.base, {
          groupPath: ids.privateGroup.path,
          image: 'ttl',
          rest,
          token,
        });
        expect(answer.status).toBe(200);
      }
      // Nothing can be read 2 days ago in a test, so the entries are made old by SQL on the test's
      // own database; the next run is made due now instead of in a day, for the same reason.
      await database.query(
        `UPDATE dependency_proxy.cached_manifests SET read_at = now() - interval '2 days'
          WHERE group_id = $1 AND image = 'ttl'`,
        [ids.privateGroup.id],
      );
      await database.query(
        `UPDATE dependency_proxy.cached_blobs SET read_at = now() - interval '2 days'
          WHERE group_id = $1 AND digest = ANY($2)`,
        [ids.privateGroup.id, images.ttl.blobs.map((blob) => blob.digest)],
      );
      await putProxySettings(stack.api, ids.privateGroup.id, { ttl_policy: { enabled: true, ttl_days: 1 } });
      await database.query(
        `UPDATE dependency_proxy.group_settings SET ttl_next_run_at = now() WHERE group_id = $1`,
        [ids.privateGroup.id],
      );

      const remaining = await waitUntil(
        async () => {
          const manifests = await cachedManifests(stack.api, ids.privateGroup.id);
          return manifests.some((m) => m.image === 'ttl') ? undefined : manifests;
        },
        { timeoutMs: 30_000, intervalMs: 500, description: "the TTL policy to remove the 'ttl' image" },
      );

      expect(remaining).toContainEqual(expect.objectContaining({ image: 'app', tag: 'v1' }));
      const blobs = await database.query<{ digest: string }>(
        `SELECT digest FROM dependency_proxy.cached_blobs WHERE group_id = $1 AND digest = ANY($2)`,
        [ids.privateGroup.id, images.ttl.blobs.map((blob) => blob.digest)],
      );
      expect(blobs.rows).toEqual([]);
    },
  );
}
