import { PassThrough } from 'node:stream';
import request from 'supertest';
import { createLogger } from '@stowage/logging';
import type { User } from '../src/generated/prisma/client';
import { FailedLoginThrottle } from '../src/domain/failed-login-throttle';
import { openIdentityApp, type IdentityApp } from './support/identity-app';
import { createUser } from './support/identity-fixtures';

const PASSWORD = 'throttle-password';
const LIMIT = 2;

/** Failed sign-ins per client address: /jwt/auth by the request's address, the internal API by `client_ip`. */
describe('failed sign-in throttling', () => {
  let identity: IdentityApp;
  let user: User;
  let logLines: Record<string, unknown>[];
  let rawLog: string;

  const jwtAuth = (ip: string, password: string | null) => {
    const call = request(identity.app).get('/jwt/auth?service=container_registry').set('X-Forwarded-For', ip);
    return password === null ? call : call.auth(user.username, password);
  };
  const authorize = (clientIp: string | undefined, password: string) =>
    request(identity.app)
      .post('/internal/v1/authorize')
      .send({
        credentials: { kind: 'basic', username: user.username, password },
        ...(clientIp ? { client_ip: clientIp } : {}),
        abilities: [],
      });

  beforeAll(async () => {
    const stream = new PassThrough();
    logLines = [];
    rawLog = '';
    stream.on('data', (chunk: Buffer) => {
      rawLog += chunk.toString();
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
    });
    identity = await openIdentityApp({
      logger: createLogger({ service: 'auth-token', stream }),
      throttle: new FailedLoginThrottle({ limit: LIMIT, windowSeconds: 60, banSeconds: 120 }),
    });
    user = await createUser(identity.prisma, { password: PASSWORD });
  });
  afterAll(() => identity.close());

  it('when an address fails more often than allowed, then /jwt/auth refuses it with 429 even with the right password, and others are unaffected', async () => {
    const ip = '192.0.2.10';
    for (let attempt = 0; attempt <= LIMIT; attempt++) {
      expect((await jwtAuth(ip, `wrong-${attempt}`)).status).toBe(401);
    }
    const refused = await jwtAuth(ip, PASSWORD);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toEqual({ errors: [{ code: 'TOOMANYREQUESTS', message: expect.any(String) }] });

    expect((await jwtAuth('192.0.2.11', PASSWORD)).status).toBe(200);
    // Anonymous requests authenticate nothing, so the ban does not stop public pulls.
    expect((await jwtAuth(ip, null)).status).toBe(200);

    const failed = logLines.filter((line) => line.event === 'login.failed' && line.source === ip);
    expect(failed).toHaveLength(LIMIT + 1);
    expect(failed[0]).toMatchObject({ audit: true, username: user.username, via: 'jwt_auth' });
    expect(logLines.some((line) => line.event === 'login.throttled' && line.source === ip)).toBe(true);
    expect(rawLog).not.toContain('wrong-0');
    expect(rawLog).not.toContain(PASSWORD);
  });

  it('when internal callers report failures for a client_ip, then that client is refused with 429 there too', async () => {
    const ip = '198.51.100.20';
    for (let attempt = 0; attempt <= LIMIT; attempt++) {
      expect((await authorize(ip, 'wrong')).status).toBe(401);
    }
    const refused = await authorize(ip, PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ message: '429 Too Many Requests' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await authorize('198.51.100.21', PASSWORD)).status).toBe(200);
  });

  it('when the same address fails on both endpoints, then the failures add up', async () => {
    const ip = '203.0.113.30';
    expect((await jwtAuth(ip, 'wrong')).status).toBe(401);
    expect((await authorize(ip, 'wrong')).status).toBe(401);
    expect((await jwtAuth(ip, 'wrong')).status).toBe(401);
    expect((await authorize(ip, PASSWORD)).status).toBe(429);
  });

  it('when an internal caller does not say who the client is, then nothing is counted against anyone', async () => {
    for (let attempt = 0; attempt <= LIMIT + 1; attempt++) {
      expect((await authorize(undefined, 'wrong')).status).toBe(401);
    }
    expect((await authorize(undefined, PASSWORD)).status).toBe(200);
  });
});
