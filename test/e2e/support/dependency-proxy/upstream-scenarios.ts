import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { succeeded } from '../client-runs';
import { getProxySettings } from './proxy-api';
import { PREFIX, type ProxyFixture } from './proxy-fixture';

/**
 * The group's upstreams in order ("local" docker-registry, then the "remote" Stowage with token
 * auth), and the upstream that owns the prefix "second", which alone sees `containers/second/...`.
 */

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export function upstreamScenarios(fx: ProxyFixture): void {
  fx.step(
    'when the settings are read back, then the upstreams come in order and the remote one says authenticated without its credentials',
    async () => {
      const { stack, ids, local, prefixed, remote } = fx.world();

      const settings = await getProxySettings(stack.api, ids.privateGroup.id);

      expect(settings).toEqual({
        enabled: true,
        anonymous_pulls: false,
        upstreams: [
          { name: 'local', url: local.url, prefix: null, library_prefix: false, authenticated: false },
          { name: 'remote', url: remote.base, prefix: null, library_prefix: false, authenticated: true },
          { name: PREFIX, url: prefixed.url, prefix: PREFIX, library_prefix: false, authenticated: false },
        ],
        ttl_policy: { enabled: false, ttl_days: 90 },
      });
    },
  );

  fx.step(
    'when docker pulls an image only the second upstream has, then the first answers not found and the second, behind its token realm, serves it',
    async () => {
      const { local, prefixed, ids, images } = fx.world();
      const { image, tag, digest } = images.remoteOnly;
      const ref = `${fx.imageRef(ids.privateGroup.path, image)}:${tag}`;
      await local.clearRequests();
      await prefixed.clearRequests();
      await fx.dockerLogin(ids.member);

      const run = await fx.docker$(['pull', ref]);

      expect(run.stdout).toContain(`Digest: ${digest}`);
      const askedLocal = await local.requests();
      expect(askedLocal.filter((r) => r.uri === `/v2/${image}/manifests/${tag}`)).toEqual([
        expect.objectContaining({ status: 404 }),
      ]);
      expect(await prefixed.requests()).toEqual([]);
    },
  );

  fx.step(
    'when skopeo copies an image under the prefix "second", then only the prefixed upstream is asked, without the prefix',
    async () => {
      const { local, prefixed, ids, images } = fx.world();
      const { image, tag, digest } = images.prefixed;
      const destination = await mkdtemp(path.join(fx.workDir(), 'copied-'));
      await local.clearRequests();
      await prefixed.clearRequests();

      succeeded(
        await fx
          .containers()
          .skopeo(
            [
              'copy',
              '--src-tls-verify=false',
              '--src-creds',
              `${ids.member.username}:${ids.member.secret}`,
              `docker://${fx.imageRef(ids.privateGroup.path, image)}:${tag}`,
              `dir:${destination}`,
            ],
            { timeoutMs: 120_000 },
          ),
        'skopeo copy through the proxy',
      );

      expect(sha256(await readFile(path.join(destination, 'manifest.json')))).toBe(digest);
      expect(digest).not.toBe(images.decoy.digest);
      expect(await local.requests()).toEqual([]);
      const askedPrefixed = await prefixed.requests();
      expect(askedPrefixed.length).toBeGreaterThan(0);
      expect(askedPrefixed.filter((r) => !/^\/v2\/(prefixed\/|$)/.test(r.uri))).toEqual([]);
    },
  );
}
