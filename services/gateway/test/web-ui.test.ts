import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createMetrics } from '@stowage/http';
import { createSilentLogger } from '@stowage/logging';
import { createApp } from '../src/app';
import { webUiIn, type WebUi } from '../src/http/web-ui';

// The gateway serves the web UI's page for page URLs a browser opens, and its hashed assets,
// without changing what API clients get on any path.

const PAGE =
  '<!doctype html><title>Stowage</title><script type="module" src="/-/ui/assets/app-1234.js"></script>';
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('gateway web UI', () => {
  let directory: string;
  let webUi: WebUi;

  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'stowage-web-ui-'));
    await mkdir(path.join(directory, 'assets'));
    await writeFile(path.join(directory, 'index.html'), PAGE);
    await writeFile(path.join(directory, 'assets', 'app-1234.js'), 'console.log("app")');
    webUi = webUiIn(directory)!;
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  function appWith(ui: WebUi | null) {
    // Every upstream is unreachable: a request that reached the route table would get a 503.
    const unreachable = 'http://127.0.0.1:9';
    return createApp({
      logger: createSilentLogger(),
      metrics: createMetrics({ service: 'gateway', collectProcessMetrics: false }),
      externalUrl: 'http://localhost:5000',
      upstreams: {
        'auth-token': unreachable,
        registry: unreachable,
        'dependency-proxy': unreachable,
        'package-registry': unreachable,
      },
      trustForwardedHeaders: false,
      upstreamConnectTimeoutMs: 1_000,
      upstreamIdleTimeoutMs: 1_000,
      webUi: ui,
    }).app;
  }

  it.each([
    '/',
    '/users/sign_in',
    '/team/app/container_registry',
    '/team/sub/app/container_registry/12',
    '/groups/team/-/packages',
    '/team/app/-/settings/packages_and_registries',
  ])('when a browser opens %s, then it gets the page with its security headers', async (page) => {
    const response = await request(appWith(webUi)).get(page).set('Accept', BROWSER).expect(200);

    expect(response.text).toBe(PAGE);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['x-frame-options']).toBe('DENY');
  });

  it('when a HEAD asks for a page, then it gets the headers without the body', async () => {
    const response = await request(appWith(webUi)).head('/users/sign_in').set('Accept', BROWSER).expect(200);

    expect(response.headers['content-length']).toBe(String(Buffer.byteLength(PAGE)));
    expect(response.text).toBeUndefined();
  });

  it('when an asset is asked for, then it is served to be cached for good', async () => {
    const response = await request(appWith(webUi)).get('/-/ui/assets/app-1234.js').expect(200);

    expect(response.text).toBe('console.log("app")');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('when an asset does not exist or its path climbs out, then the answer is a GitLab 404', async () => {
    const app = appWith(webUi);
    for (const asset of [
      '/-/ui/assets/missing.js',
      '/-/ui/assets/..%2findex.html',
      '/-/ui/assets/%2e%2e/index.html',
    ]) {
      const response = await request(app).get(asset);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ message: '404 Not Found' });
    }
  });

  it.each([
    ['GET', '/api/v4/projects', BROWSER],
    ['GET', '/v2/', BROWSER],
    ['GET', '/jwt/auth', BROWSER],
    ['GET', '/team/app/container_registry', 'application/json'],
    ['GET', '/team/app/container_registry', '*/*'],
    ['POST', '/users/sign_in', BROWSER],
  ])('when %s %s asks for %s, then the route table answers, not the page', async (method, url, accept) => {
    const app = request(appWith(webUi));
    const response = await (method === 'GET' ? app.get(url) : app.post(url)).set('Accept', accept);

    expect(response.headers['content-type'] ?? '').not.toContain('text/html');
  });

  it('when the UI was not built, then a browser opening a page gets the JSON 404 as before', async () => {
    const response = await request(appWith(null))
      .get('/team/app/container_registry')
      .set('Accept', BROWSER)
      .expect(404);

    expect(response.body).toEqual({ message: '404 Not Found' });
  });
});
