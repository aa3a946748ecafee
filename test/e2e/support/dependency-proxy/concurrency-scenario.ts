import { peakResidentBytes, residentBytes, resetPeakResident } from '../peak-memory';
import { scrapeSum } from '../prometheus';
import { downloadProxyBlob, proxyRequest, proxyToken } from './proxy-api';
import type { ProxyFixture } from './proxy-fixture';
import { LARGE_LAYER_BYTES } from './upstream-images';

/**
 * Twenty clients ask at once for one 200 MB layer the proxy has never seen: they must share one
 * upstream fetch, each get the exact bytes, and no Stowage process may buffer the layer: the 4 GB
 * served may add at most 100 MB to any process's resident memory (VmHWM, restarted before the
 * transfer, against VmRSS before it). What a process holds before (PGlite in standalone mode,
 * ~150 MB of code and heap for a distributed service) is issue 12's to shrink; the growth is
 * stream buffers and not-yet-collected chunks, whatever the layer's size.
 */

const CLIENTS = 20;
const GROWTH_LIMIT_BYTES = 100 * 1000 * 1000;
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
    'when 20 clients fetch one uncached 200 MB layer at once, then the upstream sends it once, every client gets the right bytes and no Stowage process grows by 100 MB',
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
      const overLimit = Object.entries(peaksAfter)
        .filter(([name, peak]) => peak - residentBefore[name]! >= GROWTH_LIMIT_BYTES)
        .map(
          ([name, peak]) =>
            `${name} peaked at ${megabytes(peak)} (${megabytes(residentBefore[name]!)} before)`,
        );
      expect(overLimit).toEqual([]);
    },
    TRANSFER_TIMEOUT_MS + 60_000,
  );
}
