import { createHash } from 'node:crypto';
import request from 'supertest';
import type { User } from '../src/generated/prisma/client';
import { ACCESS_LEVEL } from '../src/domain/access-level';
import { FailedLoginThrottle } from '../src/domain/failed-login-throttle';
import { digestToken } from '../src/domain/tokens';
import { capturingLogger } from './api/support/api-helpers';
import { openIdentityApp, TEST_EXTERNAL_URL, type IdentityApp } from './support/identity-app';
import { addMember, createPersonalAccessToken, createProject, createUser } from './support/identity-fixtures';

const PASSWORD = 'correct horse battery staple';
const LIMIT = 3;
const TTL_SECONDS = 3600;

/** The Set-Cookie lines of a response, by cookie name. */
function setCookies(res: request.Response): Record<string, string> {
  const lines = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line]));
}

const valueOf = (line: string) => line.slice(line.indexOf('=') + 1, line.indexOf(';'));
const attributesOf = (line: string) =>
  line
    .split(';')
    .slice(1)
    .map((part) => part.trim());

/** POST /users/sign_in, its session cookie and CSRF token (ADR 0013). */
describe('browser sessions (POST /users/sign_in, /users/sign_out, the session cookie)', () => {
  let identity: IdentityApp;
  let user: User;
  const log = capturingLogger();
  let ipCounter = 0;
  /** Each test gets addresses of its own, so the throttle's memory does not leak between them. */
  const freshIp = () => `192.0.2.${++ipCounter}`;

  const signIn = (body: Record<string, unknown>, ip = freshIp()) =>
    request(identity.app).post('/users/sign_in').set('X-Forwarded-For', ip).send(body);

  async function signedIn(who: User = user): Promise<{ token: string; cookie: string; id: number }> {
    const res = await signIn({ login: who.username, password: PASSWORD });
    expect(res.status).toBe(200);
    const token = valueOf(setCookies(res)._stowage_session!);
    const session = await identity.prisma.session.findUniqueOrThrow({
      where: { tokenDigest: digestToken(token) },
    });
    return { token, cookie: `_stowage_session=${token}`, id: session.id };
  }

  const authorizeAs = (token: string, project: number, ip = freshIp()) =>
    request(identity.app)
      .post('/internal/v1/authorize')
      .send({
        credentials: { kind: 'session', token },
        client_ip: ip,
        project,
        abilities: ['read_package', 'create_package'],
      });

  beforeAll(async () => {
    identity = await openIdentityApp({
      logger: log.logger,
      throttle: new FailedLoginThrottle({ limit: LIMIT, windowSeconds: 60, banSeconds: 120 }),
      sessionTtlSeconds: TTL_SECONDS,
    });
  });
  beforeEach(async () => {
    user = await createUser(identity.prisma, { password: PASSWORD });
  });
  afterAll(() => identity.close());

  describe('signing in', () => {
    it('when the password is right, then the answer is the user as GET /api/v4/user shows it, with both cookies set', async () => {
      const res = await signIn({ login: user.username, password: PASSWORD });

      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const pat = await createPersonalAccessToken(identity.prisma, user, ['api']);
      const viaToken = await request(identity.app).get('/api/v4/user').set('Private-Token', pat.token);
      expect(res.body).toEqual(viaToken.body);

      const cookies = setCookies(res);
      const session = cookies._stowage_session!;
      const csrf = cookies._stowage_csrf!;
      const token = valueOf(session);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      expect(attributesOf(session)).toEqual(
        expect.arrayContaining([`Max-Age=${TTL_SECONDS}`, 'Path=/', 'HttpOnly', 'SameSite=Lax']),
      );
      expect(attributesOf(session).some((attribute) => attribute === 'Secure')).toBe(false);
      expect(valueOf(csrf)).toBe(createHash('sha256').update(`csrf:${token}`).digest('base64url'));
      expect(attributesOf(csrf)).toEqual(
        expect.arrayContaining([`Max-Age=${TTL_SECONDS}`, 'Path=/', 'SameSite=Strict']),
      );
      expect(attributesOf(csrf)).not.toContain('HttpOnly');

      // Only the digest is stored, with when and from where.
      const stored = await identity.prisma.session.findFirstOrThrow({ where: { userId: user.id } });
      expect(stored.tokenDigest).toBe(digestToken(token));
      expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBe(TTL_SECONDS * 1000);
      expect(stored.clientIp).toEqual(expect.any(String));
      expect(log.text()).not.toContain(token);
      expect(log.text()).not.toContain(PASSWORD);
      expect(log.lines()).toContainEqual(
        expect.objectContaining({
          audit: true,
          event: 'login.succeeded',
          user_id: user.id,
          session_id: stored.id,
        }),
      );
    });

    it('when the login is the email address and the body a form, then it signs in too', async () => {
      const res = await request(identity.app)
        .post('/users/sign_in')
        .type('form')
        .send({ login: user.email.toUpperCase(), password: PASSWORD });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: user.id, username: user.username });
    });

    it('when the password is wrong, the user unknown or blocked, then 401 in GitLab words and no cookie', async () => {
      const blocked = await createUser(identity.prisma, { password: PASSWORD, state: 'blocked' });
      for (const body of [
        { login: user.username, password: 'wrong' },
        { login: 'nobody-here', password: PASSWORD },
        { login: blocked.username, password: PASSWORD },
      ]) {
        const res = await signIn(body);
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ message: '401 Invalid login or password.' });
        expect(res.headers['set-cookie']).toBeUndefined();
      }
    });

    it('when a personal access token is given as the password, then it does not sign in', async () => {
      const pat = await createPersonalAccessToken(identity.prisma, user, ['api']);

      const res = await signIn({ login: user.username, password: pat.token });

      expect(res.status).toBe(401);
      expect(await identity.prisma.session.count({ where: { userId: user.id } })).toBe(0);
    });

    it.each<[string, unknown, unknown]>([
      ['no body', undefined, { error: 'login is missing' }],
      ['no password', { login: 'x' }, { error: 'password is missing' }],
      ['a login that is not a string', { login: ['x'], password: 'y' }, { error: 'login is invalid' }],
      ['a JSON array', ['x'], { error: 'login is missing' }],
    ])('when the sign-in body has %s, then 400 names the parameter', async (_case, body, expected) => {
      const call = request(identity.app).post('/users/sign_in');
      const res = body === undefined ? await call : await call.send(body as object);

      expect(res.status).toBe(400);
      expect(res.body).toEqual(expected);
    });

    it('when the body is not JSON or too large, then a 4xx in GitLab format, never a 5xx', async () => {
      const broken = await request(identity.app).post('/users/sign_in').type('json').send('{"login":');
      const huge = await request(identity.app)
        .post('/users/sign_in')
        .send({ login: 'x', password: 'y'.repeat(20_000) });

      expect(broken.status).toBe(400);
      expect(broken.body).toEqual({ message: expect.stringMatching(/^400 /) });
      expect(huge.status).toBe(413);
      expect(huge.body).toEqual({ message: expect.stringMatching(/^413 /) });
    });

    it('when an address failed more often than allowed, then 429 with Retry-After, even with the right password', async () => {
      const ip = freshIp();
      for (let attempt = 0; attempt <= LIMIT; attempt++) {
        expect((await signIn({ login: user.username, password: `wrong-${attempt}` }, ip)).status).toBe(401);
      }

      const refused = await signIn({ login: user.username, password: PASSWORD }, ip);

      expect(refused.status).toBe(429);
      expect(refused.body).toEqual({ message: '429 Too Many Requests' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.headers['set-cookie']).toBeUndefined();
      expect(log.lines()).toContainEqual(
        expect.objectContaining({ event: 'login.throttled', source: ip, via: 'web' }),
      );
    });

    it('when the user signs in again, then their expired and revoked sessions are deleted, live ones kept', async () => {
      const live = await signedIn();
      const expired = await signedIn();
      const revoked = await signedIn();
      await identity.prisma.session.update({
        where: { id: expired.id },
        data: { expiresAt: new Date(Date.now() - 1000) },
      });
      await identity.prisma.session.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });

      const latest = await signedIn();

      const left = await identity.prisma.session.findMany({
        where: { userId: user.id },
        orderBy: { id: 'asc' },
      });
      expect(left.map((session) => session.id)).toEqual([live.id, latest.id]);
    });
  });

  describe('the session cookie as a credential', () => {
    it('when it is sent, then the identity API knows the user with full rights (writes too)', async () => {
      const { cookie, id } = await signedIn();

      const me = await request(identity.app).get('/api/v4/user').set('Cookie', cookie);
      const created = await request(identity.app)
        .post('/api/v4/projects')
        .set('Cookie', cookie)
        .send({ name: 'from-the-browser' });

      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: user.id, email: user.email });
      expect(created.status).toBe(201);
      const session = await identity.prisma.session.findUniqueOrThrow({ where: { id } });
      expect(session.lastUsedAt).not.toBeNull();
    });

    it('when it is sent to authorize, then the principal is the user with credential session:<id> and their grants', async () => {
      const { token, id } = await signedIn();
      const other = await createUser(identity.prisma);
      const otherNamespace = await identity.prisma.namespace.findFirstOrThrow({
        where: { ownerId: other.id },
      });
      const project = await createProject(identity.prisma, {
        namespace: otherNamespace,
        visibility: 'private',
      });
      await addMember(identity.prisma, user, { project }, ACCESS_LEVEL.developer);

      const res = await authorizeAs(token, project.id);

      expect(res.status).toBe(200);
      expect(res.body.principal).toEqual({
        kind: 'user',
        user_id: user.id,
        username: user.username,
        admin: false,
        credential: `session:${id}`,
      });
      expect(res.body.granted).toEqual(['read_package', 'create_package']);
    });

    it('when a token header comes with the cookie, then the token decides who asks', async () => {
      const { cookie } = await signedIn();
      const other = await createUser(identity.prisma);
      const pat = await createPersonalAccessToken(identity.prisma, other, ['read_api']);

      const res = await request(identity.app)
        .get('/api/v4/user')
        .set('Cookie', cookie)
        .set('Private-Token', pat.token);
      const basic = await request(identity.app)
        .get('/api/v4/user')
        .set('Cookie', cookie)
        .auth(user.username, PASSWORD);

      expect(res.body).toMatchObject({ id: other.id });
      // A Basic header is a token header too: the cookie is ignored, and the API reads no Basic.
      expect(basic.status).toBe(401);
    });

    it('when the cookie names no live session (unknown, signed out, expired, user blocked), then the client is anonymous and its address is not throttled', async () => {
      const ip = freshIp();
      const signedOut = await signedIn();
      await request(identity.app).post('/users/sign_out').set('Cookie', signedOut.cookie);
      const expired = await signedIn();
      await identity.prisma.session.update({
        where: { id: expired.id },
        data: { expiresAt: new Date(Date.now() - 1) },
      });
      const blockedUser = await createUser(identity.prisma, { password: PASSWORD });
      const ofBlocked = await signedIn(blockedUser);
      await identity.prisma.user.update({ where: { id: blockedUser.id }, data: { state: 'blocked' } });
      const publicProject = await createProject(identity.prisma, {
        namespace: await identity.prisma.namespace.findFirstOrThrow({ where: { ownerId: user.id } }),
        visibility: 'public',
      });

      for (const token of ['no-such-session', signedOut.token, expired.token, ofBlocked.token]) {
        for (let attempt = 0; attempt <= LIMIT; attempt++) {
          const list = await request(identity.app)
            .get('/api/v4/projects')
            .set('X-Forwarded-For', ip)
            .set('Cookie', `_stowage_session=${token}`);
          expect(list.status).toBe(200);
          const me = await request(identity.app)
            .get('/api/v4/user')
            .set('X-Forwarded-For', ip)
            .set('Cookie', `_stowage_session=${token}`);
          expect(me.status).toBe(401);
          const authorized = await authorizeAs(token, publicProject.id, ip);
          expect(authorized.status).toBe(200);
          expect(authorized.body.principal).toEqual({ kind: 'anonymous' });
          expect(authorized.body.granted).toEqual(['read_package']);
        }
      }

      // The address still signs in: none of the above counted as a failed login.
      expect((await signIn({ login: user.username, password: PASSWORD }, ip)).status).toBe(200);
      expect(log.lines().filter((line) => line.event === 'login.failed' && line.source === ip)).toEqual([]);
    });
  });

  describe('signing out', () => {
    it('when the cookie names a live session, then it is revoked, the event recorded, and both cookies cleared', async () => {
      const { cookie, token, id } = await signedIn();

      const res = await request(identity.app).post('/users/sign_out').set('Cookie', cookie);

      expect(res.status).toBe(204);
      const cookies = setCookies(res);
      expect(valueOf(cookies._stowage_session!)).toBe('');
      expect(attributesOf(cookies._stowage_session!)).toEqual(
        expect.arrayContaining(['Max-Age=0', 'HttpOnly']),
      );
      expect(attributesOf(cookies._stowage_csrf!)).toContain('Max-Age=0');
      const session = await identity.prisma.session.findUniqueOrThrow({ where: { id } });
      expect(session.revokedAt).not.toBeNull();
      const events = await identity.prisma.outboxEvent.findMany({
        where: { type: 'identity.token.revoked' },
      });
      expect(events.map((event) => event.payload)).toContainEqual(
        expect.objectContaining({ credential: `session:${id}`, user_id: user.id }),
      );
      expect(log.lines()).toContainEqual(
        expect.objectContaining({ event: 'session.revoked', session_id: id }),
      );
      expect((await request(identity.app).get('/api/v4/user').set('Cookie', cookie)).status).toBe(401);
      expect((await authorizeAs(token, 1)).body.principal).toEqual({ kind: 'anonymous' });
    });

    it('when there is no cookie or it is dead, then 204 and nothing is recorded', async () => {
      const before = await identity.prisma.outboxEvent.count();

      expect((await request(identity.app).post('/users/sign_out')).status).toBe(204);
      expect(
        (await request(identity.app).post('/users/sign_out').set('Cookie', '_stowage_session=nope')).status,
      ).toBe(204);

      expect(await identity.prisma.outboxEvent.count()).toBe(before);
    });
  });
});

describe('browser sessions behind https', () => {
  let identity: IdentityApp;

  beforeAll(async () => {
    identity = await openIdentityApp({ externalUrl: TEST_EXTERNAL_URL.replace('http:', 'https:') });
  });
  afterAll(() => identity.close());

  it('when EXTERNAL_URL is https, then both cookies are Secure, on sign-in and on sign-out', async () => {
    const user = await createUser(identity.prisma, { password: PASSWORD });

    const signedIn = await request(identity.app)
      .post('/users/sign_in')
      .send({ login: user.username, password: PASSWORD });
    const signedOut = await request(identity.app).post('/users/sign_out');

    for (const res of [signedIn, signedOut]) {
      const cookies = setCookies(res);
      expect(attributesOf(cookies._stowage_session!)).toContain('Secure');
      expect(attributesOf(cookies._stowage_csrf!)).toContain('Secure');
    }
  });
});
