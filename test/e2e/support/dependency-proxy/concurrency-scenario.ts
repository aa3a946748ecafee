import { peakResidentBytes, residentBytes, resetPeakResident } from '../peak-memory';
import { scrapeSum } from '../prometheus';
import { downloadProxyBlob, proxyRequest, proxyToken } from './proxy-api';
import type { ProxyFixture } from './proxy-fixture';
import { LARGE_LAYER_BYTES } from './upstream-images';

/**
 * Twenty clients ask at once for one 200 MB layer the proxy has never seen: they must share one
 * upstream fetch, each get the exact bytes, and no Stowage process may buffer the layer. In
 * distributed mode each process stays under 200 MB resident (VmHWM, restarted before the
 * transfer). Standalone mode's one process already holds the embedded database (PGlite, several
 * hundred MB: issue 12's work), so there the transfer may add no more than 200 MB to it.
 */

const CLIENTS = 20;
const PEAK_RSS_LIMIT_BYTES = 200 * 1000 * 1000;
// 20 × 200 MB through the gateway on two cores, after one upstream transfer.
const TRANSFER_TIMEOUT_MS = 150_000;
const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

async function peaks(pids: Record<string, number>): Promise<Record<string, number>> {
  const entries = await Promise.all(
    Object.entries(pids).map(async ([name, pid]) => [name, await peakResidentBytes(pid)] as const),
  );
  return Object.fromEntries(entries);
}

async function residents(pids: Record<string, number>): Promise<Record<string, number>> {
  const entries = await Promise.all(
    Object.entries(pids).map(async ([name, pid]) => [name, await residentBytes(pid)] as const),
  );
  return Object.fromEntries(entries);
}

export function concurrencyScenario(fx: ProxyFixture): void {
  fx.step(
    'when 20 clients fetch one uncached 200 MB layer at once, then the upstream sends it once, every client gets the right bytes and every Stowage process stays under 200 MB',
    async () => {
      const { stack, local, ids, images } = fx.world();
      const layer = images.big.blobs[1]!;
      expect(layer.size).toBeGreaterThan(LARGE_LAYER_BYTES);
      const token = await proxyToken(stack.base, ids.member, ids.privateGroup.path, 'big');
      // The manifest first, as a client would: the blob is then the only thing not cached.
      const manifest = await proxyRequest(stack.base, {
        groupPath: ids.privateGroup.path,
        image: 'big',
        rest: `manifests/${images.big.tag}`,
        token,
      });
      expect(manifest.status).toBe(200);
      await local.clearRequests();
      const upstreamGetsBefore = await scrapeSum(
        stack.proxyServiceUrl,
        'stowage_dependency_proxy_upstream_requests_total',
        { method: 'GET', upstream: 'local' },
      );
      const residentBefore = await residents(stack.pids());
      await Promise.all(Object.values(stack.pids()).map((pid) => resetPeakResident(pid)));

      const downloads = await Promise.all(
        Array.from({ length: CLIENTS }, () =>
          downloadProxyBlob(stack.base, {
            groupPath: ids.privateGroup.path,
            image: 'big',
            digest: layer.digest,
            token,
            timeoutMs: TRANSFER_TIMEOUT_MS,
          }),
        ),
      );

      expect(downloads.map(({ status, digest, size }) => ({ status, digest, size }))).toEqual(
        Array.from({ length: CLIENTS }, () => ({ status: 200, digest: layer.digest, size: layer.size })),
      );
      const blobGets = (await local.requests()).filter(
        (request) => request.method === 'GET' && request.uri.includes('/blobs/'),
      );
      expect(blobGets).toEqual([{ method: 'GET', uri: `/v2/big/blobs/${layer.digest}`, status: 200 }]);
      expect(
        await scrapeSum(stack.proxyServiceUrl, 'stowage_dependency_proxy_upstream_requests_total', {
          method: 'GET',
          upstream: 'local',
        }),
      ).toBe(upstreamGetsBefore + 1);
      const peaksAfter = await peaks(stack.pids());
      const counted = (name: string, peak: number) =>
        stack.mode === 'standalone' ? peak - residentBefore[name]! : peak;
      const overLimit = Object.entries(peaksAfter)
        .filter(([name, peak]) => counted(name, peak) >= PEAK_RSS_LIMIT_BYTES)
        .map(
          ([name, peak]) =>
            `${name} peaked at ${megabytes(peak)} (${megabytes(residentBefore[name]!)} before)`,
        );
      expect(overLimit).toEqual([]);
    },
    TRANSFER_TIMEOUT_MS + 60_000,
  );
}
