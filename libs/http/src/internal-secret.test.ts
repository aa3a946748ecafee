import request from 'supertest';
import { createSilentLogger } from '@stowage/logging';
import { gitlabErrorFormat } from './errors';
import { INTERNAL_SECRET_HEADER, requireInternalSecret } from './internal-secret';
import { createMetrics } from './metrics';
import { createServiceApp } from './service-app';

const appRequiring = (secret: string) =>
  createServiceApp({
    logger: createSilentLogger(),
    metrics: createMetrics({ service: 'test' }),
    health: { checks: {} },
    errorFormat: gitlabErrorFormat,
    routes: (app) =>
      app.get('/internal/v1/ping', requireInternalSecret(secret), (_req, res) => res.json({ ok: true })),
  });

describe('requireInternalSecret', () => {
  const app = appRequiring('s3cret-shared');

  it('when the caller presents the secret, then the request goes through', async () => {
    const res = await request(app).get('/internal/v1/ping').set(INTERNAL_SECRET_HEADER, 's3cret-shared');

    expect([res.status, res.body]).toEqual([200, { ok: true }]);
  });

  it.each([
    ['no header', undefined],
    ['an empty value', ''],
    ['a prefix of the secret', 's3cret'],
    ['the secret and more', 's3cret-shared-and-more'],
    ['another case', 'S3CRET-SHARED'],
  ])('when the caller presents %s, then 403 in GitLab words', async (_name, presented) => {
    const call = request(app).get('/internal/v1/ping');
    const res = await (presented === undefined ? call : call.set(INTERNAL_SECRET_HEADER, presented));

    expect([res.status, res.body]).toEqual([403, { message: '403 Forbidden' }]);
  });

  it('when no secret is configured, then every caller goes through', async () => {
    const res = await request(appRequiring('')).get('/internal/v1/ping');

    expect(res.status).toBe(200);
  });
});
