import { cachedManifests } from './proxy-api';
import type { ProxyFixture } from './proxy-fixture';
import { localPlatform } from '../oci-layout';

/**
 * A multi-arch index through the proxy: docker picks the local platform's image; the proxy keeps
 * the index as it came (digest preserved) and fetches a child only when a client asks for it.
 */
export function multiArchScenario(fx: ProxyFixture): void {
  fx.step(
    "when docker pulls a multi-arch index, then it gets the local platform's image and the proxy cached the index and only that child",
    async () => {
      const { stack, local, ids, images } = fx.world();
      const { multi } = images;
      const ref = `${fx.imageRef(ids.privateGroup.path, 'multi')}:${multi.tag}`;
      await local.clearRequests();
      await fx.dockerLogin(ids.member);

      const run = await fx.docker$(['pull', ref]);

      expect(run.stdout).toContain(`Digest: ${multi.digest}`);
      const inspected = await fx.docker$(['image', 'inspect', '--format', '{{.Architecture}} {{.Id}}', ref]);
      expect(inspected.stdout.trim()).toBe(`${localPlatform().architecture} ${multi.local.config.digest}`);
      const cached = (await cachedManifests(stack.api, ids.privateGroup.id)).filter(
        (m) => m.image === 'multi',
      );
      expect(cached.map((m) => m.digest).sort()).toEqual([multi.digest, multi.local.manifest.digest].sort());
      const asked = await local.requests();
      const otherChild = [multi.other.manifest, multi.other.config, ...multi.other.layers].map(
        (d) => d.digest,
      );
      expect(asked.filter((r) => otherChild.some((digest) => r.uri.endsWith(digest)))).toEqual([]);
    },
  );
}
