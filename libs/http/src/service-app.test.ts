import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { createSilentLogger } from '@stowage/logging';
import { createServiceApp } from './service-app';
import { createMetrics } from './metrics';
import { DependencyUnavailableError } from '@stowage/errors';
import { ApiError, OciError, gitlabErrorFormat, ociErrorFormat, type ErrorFormat } from './errors';
import type { ReadinessCheck } from './health';

function appWith(
  errorFormat: ErrorFormat,
  checks: Record<string, ReadinessCheck> = {},
  optionalChecks: Record<string, ReadinessCheck> = {},
) {
  return createServiceApp({
    logger: createSilentLogger(),
    metrics: createMetrics({ service: 'test' }),
    health: { checks, optionalChecks, timeoutMs: 200 },
    errorFormat,
    routes: (app) => {
      app.get('/storage-down', (_req, res) => {
        // As a blob GET does: headers for the blob first, then storage fails.
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Docker-Content-Digest', 'sha256:abc');
        throw new Error('blob read failed', {
          cause: new DependencyUnavailableError('storage', 'S3 is down'),
        });
      });
      app.patch('/upload-refused', async (req) => {
        // As an upload does when storage fails after the first chunk: reading stops half-way.
        for await (const chunk of req.iterator({ destroyOnReturn: false })) if (chunk) break;
        throw new DependencyUnavailableError('storage', 'S3 is down');
      });
      app.all('/oci-missing', () => {
        throw new OciError('BLOB_UNKNOWN', { digest: 'sha256:abc' });
      });
      app.get('/api-missing', () => {
        throw ApiError.notFound('Project');
      });
      app.get('/api-invalid', () => {
        throw ApiError.invalidField('visibility', 'does not have a valid value');
      });
      app.get('/-/jwks', (_req, res) => {
        res.json({ keys: [] });
      });
      app.get('/things/:id', (req, res) => {
        res.json({ id: req.params.id, query: req.query });
      });
      app.get('/boom', () => {
        throw new Error('database password is hunter2');
      });
      app.post('/json', express.json({ limit: '1kb' }), (req, res) => {
        res.json(req.body);
      });
    },
  });
}

describe('createServiceApp', () => {
  it('when a handler throws an OciError, then the body is the spec error shape with its status', async () => {
    const res = await request(appWith(ociErrorFormat)).get('/oci-missing');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      errors: [
        { code: 'BLOB_UNKNOWN', message: 'blob unknown to registry', detail: { digest: 'sha256:abc' } },
      ],
    });
  });

  it('when a handler throws an ApiError, then GitLab shapes are used', async () => {
    const app = appWith(gitlabErrorFormat);
    const missing = await request(app).get('/api-missing');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ message: '404 Project Not Found' });
    const invalid = await request(app).get('/api-invalid');
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({ message: { visibility: ['does not have a valid value'] } });
  });

  it('when an unexpected error happens, then the client gets a generic 500 with a log id and no detail', async () => {
    const res = await request(appWith(gitlabErrorFormat)).get('/boom').set('X-Request-Id', 'req-42');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ message: '500 Internal Server Error', log_id: 'req-42' });
    expect(JSON.stringify(res.body)).not.toMatch(/hunter2|at /);
    const oci = await request(appWith(ociErrorFormat)).get('/boom');
    expect(oci.body.errors[0].code).toBe('UNKNOWN');
    expect(oci.body.errors[0].detail.log_id).toBe(oci.headers['x-request-id']);
  });

  it('when JSON is malformed or too large, then the answer is a 4xx in the protocol format', async () => {
    const app = appWith(gitlabErrorFormat);
    const bad = await request(app).post('/json').set('Content-Type', 'application/json').send('{"a":');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^400 /);
    const big = await request(app)
      .post('/json')
      .send({ a: 'x'.repeat(5000) });
    expect(big.status).toBe(413);
    const oci = await request(appWith(ociErrorFormat))
      .post('/json')
      .set('Content-Type', 'application/json')
      .send('[');
    expect(oci.status).toBe(400);
    expect(oci.body.errors).toHaveLength(1);
  });

  it("when a dependency is down, then 503 with Retry-After in each format, without the handler's blob headers", async () => {
    const oci = await request(appWith(ociErrorFormat)).get('/storage-down');
    expect([oci.status, oci.headers['retry-after'], oci.headers['content-type']]).toEqual([
      503,
      '5',
      'application/json; charset=utf-8',
    ]);
    expect(oci.headers['docker-content-digest']).toBeUndefined();
    expect(oci.body).toEqual({
      errors: [
        {
          code: 'UNAVAILABLE',
          message: 'service unavailable',
          detail: null,
        },
      ],
    });
    const gitlab = await request(appWith(gitlabErrorFormat)).get('/storage-down');
    expect([gitlab.status, gitlab.headers['retry-after']]).toEqual([503, '5']);
    expect(gitlab.body).toEqual({ message: '503 Service Unavailable' });
  });

  it('when a handler stops reading a body half-way, then its answer closes the connection; otherwise it stays open', async () => {
    const server = appWith(ociErrorFormat).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    // A keep-alive client, as docker and the gateway are.
    const agent = new http.Agent({ keepAlive: true });
    const call = (method: string, path: string, body?: Buffer) =>
      new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = http.request(
          { port: (server.address() as AddressInfo).port, method, path, agent },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    try {
      const abandoned = await call('PATCH', '/upload-refused', Buffer.alloc(4 << 20));
      // Nobody started reading this body: Node drains it, so the connection can carry the next request.
      const unread = await call('PATCH', '/oci-missing', Buffer.alloc(4 << 20));
      const bodiless = await call('GET', '/storage-down');

      expect([abandoned.statusCode, abandoned.headers.connection]).toEqual([503, 'close']);
      expect([unread.statusCode, unread.headers.connection]).toEqual([404, 'keep-alive']);
      expect([bodiless.statusCode, bodiless.headers.connection]).toEqual([503, 'keep-alive']);
    } finally {
      agent.destroy();
      server.close();
    }
  });

  it('when an optional dependency fails, then readiness stays 200 and says degraded; the metric records it', async () => {
    const app = appWith(
      ociErrorFormat,
      { database: async () => undefined },
      {
        bus: async () => {
          throw new Error('broker unreachable');
        },
      },
    );
    const res = await request(app).get('/-/readiness');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'degraded',
      accepting: true,
      checks: { database: { status: 'ok' }, bus: { status: 'degraded', message: 'broker unreachable' } },
    });
    const metrics = await request(app).get('/metrics');
    expect(metrics.text).toMatch(/stowage_dependency_up\{[^}]*dependency="bus"[^}]*\} 0/);
    expect(metrics.text).toMatch(/stowage_dependency_up\{[^}]*dependency="database"[^}]*\} 1/);
  });

  it.each([
    '/things/%ZZ',
    '/things/%C0%AF',
    '/things/%ED%A0%80',
    '/things/a%',
    '/things/%00',
    '/things/1?page=%ZZ',
    '/things/1?q=%E2%82',
  ])('when the URL %s does not decode or holds a NUL, then 400 comes in the protocol format', async (url) => {
    const gitlab = await request(appWith(gitlabErrorFormat)).get(url);
    expect(gitlab.status).toBe(400);
    expect(gitlab.body.message).toMatch(/^400 Bad request - .+ in the (path|query)$/);
    const oci = await request(appWith(ociErrorFormat)).get(url);
    expect(oci.status).toBe(400);
    expect(oci.body).toEqual({
      errors: [{ code: expect.any(String), message: expect.any(String), detail: null }],
    });
  });

  it('when the URL holds valid escapes, then the route gets them decoded', async () => {
    const res = await request(appWith(gitlabErrorFormat)).get('/things/a%2Fb%C3%A9?q=%E2%82%AC+x');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'a/bé', query: { q: '€ x' } });
  });

  it('when no route matches, then 404 comes in the protocol format', async () => {
    const res = await request(appWith(ociErrorFormat)).get('/nope');
    expect(res.status).toBe(404);
    expect(res.body.errors[0].code).toBe('NAME_UNKNOWN');
  });

  it('when a caller sends an unsafe request id, then a fresh one replaces it', async () => {
    const res = await request(appWith(ociErrorFormat))
      .get('/-/health')
      .set('X-Request-Id', 'bad id\twith tab');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when every check passes, then readiness is 200; when one fails or hangs, then 503 naming it', async () => {
    const ok = await request(appWith(ociErrorFormat, { db: async () => undefined })).get('/-/readiness');
    expect(ok.status).toBe(200);
    const failing = appWith(ociErrorFormat, {
      db: async () => undefined,
      bus: async () => {
        throw new Error('connection refused');
      },
      storage: () => new Promise(() => undefined),
    });
    const res = await request(failing).get('/-/readiness');
    expect(res.status).toBe(503);
    expect(res.body.checks.bus).toEqual({ status: 'failed', message: 'connection refused' });
    expect(res.body.checks.storage.status).toBe('failed');
    expect(res.body.checks.db).toEqual({ status: 'ok' });
    const live = await request(failing).get('/-/health');
    expect(live.status).toBe(200);
  });

  it('when requests were served, then /metrics exposes their durations with the service label', async () => {
    const app = appWith(ociErrorFormat);
    await request(app).get('/oci-missing');
    const res = await request(app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/oci-missing"[^}]*status="404"/,
    );
    expect(res.text).toMatch(/service="test"/);
  });

  it("when health or metrics are asked for as express would match them, then the frame answers; other /-/ paths reach the service's routes", async () => {
    const app = appWith(gitlabErrorFormat);
    for (const path of [
      '/-/health',
      '/-/HEALTH',
      '/-/health/',
      '/-/readiness',
      '/metrics',
      '/METRICS',
      '/metrics/',
    ]) {
      const res = await request(app).get(path);
      expect([path, res.status]).toEqual([path, 200]);
    }
    await request(app).get('/-/jwks').expect(200, { keys: [] });
    await request(app).get('/-/nothing').expect(404);
    await request(app).get('/metricsfoo').expect(404);
  });
});
