import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import request from 'supertest';
import { createMetrics } from '@stowage/http';
import { createSilentLogger } from '@stowage/logging';
import {
  fromNodeServer,
  isGitlabError,
  isMalformedUrl,
  isOciError,
  pathOf,
  queryString,
  requestValues,
} from '../../../libs/http/test/support/url-arbitraries';
import { createApp } from '../src/app';

// Property test: hostile URLs through the gateway. Those that do not decode are refused with a
// 400 in the route's format before they are forwarded; the rest reach the upstream (an echo
// server answering 202). Nothing gets a 5xx.

const PATTERNS = [
  '/v2/:name/manifests/:reference',
  '/v2/:name/blobs/uploads/:uuid',
  '/v2/:name/dependency_proxy/containers/:image/manifests/:tag',
  '/api/v4/projects/:id/registry/repositories/:repository_id/tags/:tag_name',
  '/api/v4/groups/:id/-/packages/:package',
  '/api/v4/users/:id',
  '/jwt/auth',
];

describe('gateway: bad input never gets a 5xx', () => {
  let upstream: http.Server;
  let gateway: ReturnType<typeof createApp>;

  beforeAll(async () => {
    upstream = http.createServer((_req, res) => res.writeHead(202).end());
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    gateway = createApp({
      logger: createSilentLogger(),
      metrics: createMetrics({ service: 'gateway' }),
      externalUrl: 'http://localhost:5000',
      upstreams: { 'auth-token': url, registry: url, 'dependency-proxy': url, 'package-registry': url },
      trustForwardedHeaders: false,
      upstreamConnectTimeoutMs: 2_000,
      upstreamIdleTimeoutMs: 10_000,
    });
  });

  afterAll(async () => {
    gateway?.close();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it('when a route gets hostile path and query values, then malformed ones are a 400 in its format and the rest are forwarded', async () => {
    const call = requestValues.chain((value) =>
      fc.record({
        path: fc.constantFrom(...PATTERNS).chain((pattern) => pathOf(pattern, value)),
        query: queryString(['n', 'last', 'digest', 'scope', 'page'], value),
      }),
    );
    await fc.assert(
      fc.asyncProperty(call, async ({ path, query }) => {
        const url = `${path}${query ? `?${query}` : ''}`;
        const res = await request(gateway.app).get(url);
        expect(res.status).toBeLessThan(500);
        if (fromNodeServer(res.status)) return;
        if (isMalformedUrl(url)) {
          expect(res.status).toBe(400);
          expect(path.startsWith('/v2') ? isOciError(res.body) : isGitlabError(res.body)).toBe(true);
        } else if (res.status !== 202) {
          // Not forwarded: no route for a path a value's `%2F` or `..` changed, in the route's format.
          expect(res.status).toBe(404);
        }
      }),
      { numRuns: 150 },
    );
  });
});
