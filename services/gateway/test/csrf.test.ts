import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createMetrics, csrfTokenFor } from '@stowage/http';
import { createSilentLogger } from '@stowage/logging';
import { createApp } from '../src/app';

const EXTERNAL_URL = 'https://stowage.example.test';
const SESSION = 'session-secret-of-the-browser';
const COOKIE = `theme=dark; _stowage_session=${SESSION}`;
const CSRF = csrfTokenFor(SESSION);

/** CSRF checks on browser sessions' writes (ADR 0013), in front of an upstream that answers 202. */
describe('gateway CSRF guard', () => {
  let upstream: http.Server;
  let gateway: ReturnType<typeof createApp>;
  let forwarded: number;

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      forwarded++;
      req.resume();
      req.on('end', () => res.writeHead(202).end());
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    gateway = createApp({
      logger: createSilentLogger(),
      metrics: createMetrics({ service: 'gateway' }),
      externalUrl: EXTERNAL_URL,
      upstreams: { 'auth-token': url, registry: url, 'dependency-proxy': url, 'package-registry': url },
      trustForwardedHeaders: false,
      upstreamConnectTimeoutMs: 2_000,
      upstreamIdleTimeoutMs: 10_000,
    });
  });
  beforeEach(() => {
    forwarded = 0;
  });
  afterAll(async () => {
    gateway?.close();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  const gitlabRefusal = { message: '403 Forbidden - CSRF token is missing or invalid' };

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'] as const)(
    'when a %s carries the session cookie without X-CSRF-Token, then it is refused 403 and not forwarded',
    async (method) => {
      const verb = method.toLowerCase() as 'post' | 'put' | 'patch' | 'delete';
      const res = await request(gateway.app)[verb]('/api/v4/projects/1').set('Cookie', COOKIE);

      expect(res.status).toBe(403);
      expect(res.body).toEqual(gitlabRefusal);
      expect(forwarded).toBe(0);
    },
  );

  it('when the X-CSRF-Token is wrong, then the write is refused 403', async () => {
    for (const token of [csrfTokenFor('another-session'), `${CSRF}x`, SESSION]) {
      const res = await request(gateway.app)
        .delete('/api/v4/projects/1')
        .set('Cookie', COOKIE)
        .set('X-CSRF-Token', token);
      expect(res.status).toBe(403);
    }
    expect(forwarded).toBe(0);
  });

  it('when the X-CSRF-Token matches the session, then the write is forwarded, from our origin or without Origin', async () => {
    const plain = await request(gateway.app)
      .post('/api/v4/projects')
      .set('Cookie', COOKIE)
      .set('X-CSRF-Token', CSRF);
    const sameOrigin = await request(gateway.app)
      .post('/api/v4/projects')
      .set('Cookie', COOKIE)
      .set('X-CSRF-Token', CSRF)
      .set('Origin', EXTERNAL_URL);

    expect([plain.status, sameOrigin.status]).toEqual([202, 202]);
    expect(forwarded).toBe(2);
  });

  it('when the Origin is another site, then even a write with the right X-CSRF-Token is refused', async () => {
    for (const origin of ['https://evil.example.test', 'http://stowage.example.test', 'null']) {
      const res = await request(gateway.app)
        .post('/api/v4/projects')
        .set('Cookie', COOKIE)
        .set('X-CSRF-Token', CSRF)
        .set('Origin', origin);
      expect(res.status).toBe(403);
    }
    expect(forwarded).toBe(0);
  });

  it('when a write carries a token header beside a stray session cookie, then it needs no CSRF token', async () => {
    for (const [name, value] of [
      ['Private-Token', 'glpat-x'],
      ['Job-Token', 'glcbt-x'],
      ['Deploy-Token', 'gldt-x'],
      ['Authorization', 'Bearer glpat-x'],
    ]) {
      const res = await request(gateway.app)
        .put('/api/v4/projects/1')
        .set('Cookie', COOKIE)
        .set(name!, value!);
      expect(res.status).toBe(202);
    }
    expect(forwarded).toBe(4);
  });

  it('when reads carry the cookie, or writes carry other cookies only, then no CSRF token is needed', async () => {
    expect((await request(gateway.app).get('/api/v4/projects').set('Cookie', COOKIE)).status).toBe(202);
    expect((await request(gateway.app).head('/api/v4/projects').set('Cookie', COOKIE)).status).toBe(202);
    expect((await request(gateway.app).post('/api/v4/projects').set('Cookie', 'theme=dark')).status).toBe(
      202,
    );
    expect((await request(gateway.app).post('/api/v4/projects')).status).toBe(202);
  });

  it('when POST /users/sign_in comes without a session, then only its Origin is checked', async () => {
    const fresh = await request(gateway.app).post('/users/sign_in').send({ login: 'a', password: 'b' });
    const ours = await request(gateway.app).post('/users/sign_in').set('Origin', EXTERNAL_URL).send({});
    // A stale cookie from an earlier session does not stop a new sign-in.
    const stale = await request(gateway.app).post('/users/sign_in').set('Cookie', COOKIE).send({});
    const foreign = await request(gateway.app)
      .post('/users/sign_in')
      .set('Origin', 'https://evil.example.test')
      .send({ login: 'a', password: 'b' });

    expect([fresh.status, ours.status, stale.status]).toEqual([202, 202, 202]);
    expect(foreign.status).toBe(403);
    expect(foreign.body).toEqual(gitlabRefusal);
  });

  it('when POST /users/sign_out carries the cookie, then it needs the CSRF token like any write', async () => {
    const refused = await request(gateway.app).post('/users/sign_out').set('Cookie', COOKIE);
    const allowed = await request(gateway.app)
      .post('/users/sign_out')
      .set('Cookie', COOKIE)
      .set('X-CSRF-Token', CSRF);

    expect(refused.status).toBe(403);
    expect(allowed.status).toBe(202);
  });

  it('when a /v2 write carries the cookie without the token, then the refusal is in the OCI format', async () => {
    const res = await request(gateway.app).post('/v2/group/project/blobs/uploads/').set('Cookie', COOKIE);

    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      errors: [{ code: 'DENIED', message: 'CSRF token is missing or invalid', detail: null }],
    });
  });
});
