import request from 'supertest';
import { openIdentityApp, type IdentityApp } from '../support/identity-app';
import { createPersonalAccessToken, createUser } from '../support/identity-fixtures';
import { capturingLogger, eventPayloads, rowText, signedIn } from './support/api-helpers';

const DAY_MS = 86_400_000;
const utcDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);

describe('personal access tokens API', () => {
  let identity: IdentityApp;
  let logs: ReturnType<typeof capturingLogger>;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  let nudges = 0;
  beforeAll(async () => {
    logs = capturingLogger();
    identity = await openIdentityApp({ logger: logs.logger, nudgeOutbox: () => void nudges++ });
    admin = await signedIn(identity.prisma, { admin: true });
  });
  afterAll(() => identity.close());

  const revokedEventsFor = async (id: number) =>
    (await eventPayloads(identity.prisma, 'identity.token.revoked')).filter(
      (payload) => (payload as { credential: string }).credential === `personal_access_token:${id}`,
    );

  describe('creating', () => {
    it('when a user creates their own token, then it is shown once, works, and only its digest is stored', async () => {
      const me = await signedIn(identity.prisma);
      const res = await request(identity.app)
        .post('/api/v4/user/personal_access_tokens')
        .set(me.headers)
        .send({ name: 'ci', scopes: ['read_registry', 'write_registry'], description: 'for CI' })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        name: 'ci',
        description: 'for CI',
        revoked: false,
        created_at: expect.any(String),
        scopes: ['read_registry', 'write_registry'],
        user_id: me.user.id,
        last_used_at: null,
        active: true,
        // GitLab's default lifetime: a year.
        expires_at: utcDay(365),
        token: expect.stringMatching(/^glpat-[A-Za-z0-9_-]{43}$/),
      });
      const token: string = res.body.token;
      const stored = await rowText(identity.prisma, 'personal_access_tokens', res.body.id);
      expect(stored).not.toContain(token);
      expect(stored).not.toContain(token.slice('glpat-'.length));

      const shown = await request(identity.app)
        .get(`/api/v4/personal_access_tokens/${res.body.id}`)
        .set(me.headers);
      expect(shown.body).not.toHaveProperty('token');

      const created = logs
        .lines()
        .filter((line) => line.event === 'token.created' && line.token_id === res.body.id);
      expect(created).toHaveLength(1);
      expect(JSON.stringify(logs.lines())).not.toContain(token);
    });

    it('when the new token is used, then it authenticates as its user', async () => {
      const me = await signedIn(identity.prisma);
      const res = await request(identity.app)
        .post('/api/v4/user/personal_access_tokens')
        .set(me.headers)
        .type('form')
        .send('name=form-made&scopes=read_user,api')
        .expect(201);
      expect(res.body.scopes).toEqual(['read_user', 'api']);
      const user = await request(identity.app)
        .get('/api/v4/user')
        .set('Private-Token', res.body.token)
        .expect(200);
      expect(user.body.id).toBe(me.user.id);
    });

    it('when an admin creates a token for a user, then it belongs to that user', async () => {
      const owner = await createUser(identity.prisma);
      const res = await request(identity.app)
        .post(`/api/v4/users/${owner.id}/personal_access_tokens`)
        .set(admin.headers)
        .send({ name: 'by admin', scopes: ['api'], expires_at: utcDay(2) })
        .expect(201);
      expect(res.body).toMatchObject({ user_id: owner.id, expires_at: utcDay(2) });
    });

    it('when a non-admin creates a token for someone else, then 403; for a missing user, 404', async () => {
      const me = await signedIn(identity.prisma);
      const other = await createUser(identity.prisma);
      await request(identity.app)
        .post(`/api/v4/users/${other.id}/personal_access_tokens`)
        .set(me.headers)
        .send({ name: 'x', scopes: ['api'] })
        .expect(403);
      const missing = await request(identity.app)
        .post('/api/v4/users/999999/personal_access_tokens')
        .set(admin.headers)
        .send({ name: 'x', scopes: ['api'] })
        .expect(404);
      expect(missing.body).toEqual({ message: '404 User Not Found' });
      expect(await identity.prisma.personalAccessToken.count({ where: { userId: other.id } })).toBe(0);
    });

    it.each([
      ['name is absent', { scopes: ['api'] }, { error: 'name is missing' }],
      ['scopes are absent', { name: 'x' }, { error: 'scopes is missing' }],
      ['scopes are empty', { name: 'x', scopes: [] }, { error: 'scopes is missing' }],
      [
        'a scope is unknown',
        { name: 'x', scopes: ['api', 'sudo'] },
        { error: 'scopes does not have a valid value' },
      ],
      [
        'expires_at is no date',
        { name: 'x', scopes: ['api'], expires_at: 'tomorrow' },
        { error: 'expires_at is invalid' },
      ],
      [
        'expires_at is today',
        { name: 'x', scopes: ['api'], expires_at: utcDay(0) },
        { message: { expires_at: ['must be in the future'] } },
      ],
      [
        'expires_at is past',
        { name: 'x', scopes: ['api'], expires_at: utcDay(-3) },
        { message: { expires_at: ['must be in the future'] } },
      ],
      [
        'the name is too long',
        { name: 'x'.repeat(256), scopes: ['api'] },
        { message: { name: ['is too long (maximum is 255 characters)'] } },
      ],
      ['the name is blank', { name: ' ', scopes: ['api'] }, { message: { name: ["can't be blank"] } }],
    ])('when %s, then 400 and nothing is stored', async (_case, body, error) => {
      const me = await signedIn(identity.prisma);
      const res = await request(identity.app)
        .post('/api/v4/user/personal_access_tokens')
        .set(me.headers)
        .send(body)
        .expect(400);
      expect(res.body).toEqual(error);
      expect(await identity.prisma.personalAccessToken.count({ where: { userId: me.user.id } })).toBe(1);
    });

    it('when anonymous, then 401', async () => {
      await request(identity.app)
        .post('/api/v4/user/personal_access_tokens')
        .send({ name: 'x', scopes: ['api'] })
        .expect(401);
    });
  });

  describe('listing and showing', () => {
    it('when a user lists tokens, then only their own are listed, filtered by state', async () => {
      const me = await signedIn(identity.prisma);
      const revoked = await createPersonalAccessToken(identity.prisma, me.user, ['api'], { revoked: true });
      await createPersonalAccessToken(identity.prisma, await createUser(identity.prisma), ['api']);
      const all = await request(identity.app)
        .get('/api/v4/personal_access_tokens')
        .set(me.headers)
        .expect(200);
      expect(all.body.map((token: { id: number }) => token.id)).toEqual([me.tokenId, revoked.id]);
      expect(all.headers['x-total']).toBe('2');
      const inactive = await request(identity.app)
        .get('/api/v4/personal_access_tokens')
        .query({ state: 'inactive' })
        .set(me.headers)
        .expect(200);
      expect(inactive.body).toEqual([
        expect.objectContaining({ id: revoked.id, revoked: true, active: false }),
      ]);
      const notRevoked = await request(identity.app)
        .get('/api/v4/personal_access_tokens')
        .query({ revoked: false })
        .set(me.headers)
        .expect(200);
      expect(notRevoked.body.map((token: { id: number }) => token.id)).toEqual([me.tokenId]);
    });

    it("when a non-admin asks for another user's tokens, then 401; an admin may", async () => {
      const me = await signedIn(identity.prisma);
      const other = await signedIn(identity.prisma);
      await request(identity.app)
        .get('/api/v4/personal_access_tokens')
        .query({ user_id: other.user.id })
        .set(me.headers)
        .expect(401);
      const asAdmin = await request(identity.app)
        .get('/api/v4/personal_access_tokens')
        .query({ user_id: other.user.id })
        .set(admin.headers)
        .expect(200);
      expect(asAdmin.body.map((token: { id: number }) => token.id)).toEqual([other.tokenId]);
    });

    it('when a filter has a bad value, then 400', async () => {
      const res = await request(identity.app)
        .get('/api/v4/personal_access_tokens')
        .query({ state: 'bogus' })
        .set(admin.headers)
        .expect(400);
      expect(res.body).toEqual({ error: 'state does not have a valid value' });
    });

    it("when a user asks for someone else's token, then 401 as for a missing one; an admin gets 404 for a missing one", async () => {
      const me = await signedIn(identity.prisma);
      const other = await signedIn(identity.prisma);
      await request(identity.app)
        .get(`/api/v4/personal_access_tokens/${other.tokenId}`)
        .set(me.headers)
        .expect(401);
      await request(identity.app).get('/api/v4/personal_access_tokens/999999').set(me.headers).expect(401);
      const missing = await request(identity.app)
        .get('/api/v4/personal_access_tokens/999999')
        .set(admin.headers)
        .expect(404);
      expect(missing.body).toEqual({ message: '404 Not Found' });
      await request(identity.app)
        .get(`/api/v4/personal_access_tokens/${other.tokenId}`)
        .set(admin.headers)
        .expect(200);
    });

    it('when a token asks about itself, then it is shown', async () => {
      const me = await signedIn(identity.prisma, { scopes: ['read_api'] });
      const res = await request(identity.app)
        .get('/api/v4/personal_access_tokens/self')
        .set(me.headers)
        .expect(200);
      expect(res.body).toMatchObject({
        id: me.tokenId,
        user_id: me.user.id,
        scopes: ['read_api'],
        active: true,
      });
    });
  });

  describe('revoking', () => {
    it('when a token is revoked, then it stops authenticating and the revocation is announced once', async () => {
      const me = await signedIn(identity.prisma);
      const doomed = await createPersonalAccessToken(identity.prisma, me.user, ['api']);
      await request(identity.app).get('/api/v4/user').set('Private-Token', doomed.token).expect(200);
      const nudgesBefore = nudges;
      await request(identity.app)
        .delete(`/api/v4/personal_access_tokens/${doomed.id}`)
        .set(me.headers)
        .expect(204);
      expect(nudges).toBe(nudgesBefore + 1);
      await request(identity.app).get('/api/v4/user').set('Private-Token', doomed.token).expect(401);
      expect(await revokedEventsFor(doomed.id)).toEqual([
        {
          credential: `personal_access_token:${doomed.id}`,
          user_id: me.user.id,
          revoked_at: expect.any(String),
        },
      ]);
      const row = await identity.prisma.personalAccessToken.findUniqueOrThrow({ where: { id: doomed.id } });
      expect((await revokedEventsFor(doomed.id))[0]).toMatchObject({
        revoked_at: row.revokedAt!.toISOString(),
      });
      expect(logs.lines()).toContainEqual(
        expect.objectContaining({ event: 'token.revoked', token_id: doomed.id, actor_id: me.user.id }),
      );

      await request(identity.app)
        .delete(`/api/v4/personal_access_tokens/${doomed.id}`)
        .set(me.headers)
        .expect(204);
      expect(await revokedEventsFor(doomed.id)).toHaveLength(1);
    });

    it('when a token revokes itself, then it stops working', async () => {
      const me = await signedIn(identity.prisma);
      await request(identity.app).delete('/api/v4/personal_access_tokens/self').set(me.headers).expect(204);
      await request(identity.app).get('/api/v4/user').set(me.headers).expect(401);
      expect(await revokedEventsFor(me.tokenId)).toHaveLength(1);
    });

    it("when a user revokes someone else's token, then 401 and it keeps working", async () => {
      const me = await signedIn(identity.prisma);
      const other = await signedIn(identity.prisma);
      await request(identity.app)
        .delete(`/api/v4/personal_access_tokens/${other.tokenId}`)
        .set(me.headers)
        .expect(401);
      await request(identity.app).get('/api/v4/user').set(other.headers).expect(200);
      await request(identity.app)
        .delete(`/api/v4/personal_access_tokens/${other.tokenId}`)
        .set(admin.headers)
        .expect(204);
      await request(identity.app).get('/api/v4/user').set(other.headers).expect(401);
    });
  });

  describe('rotating', () => {
    it('when a token is rotated, then the new one works, the old one does not, and the old one is announced revoked', async () => {
      const me = await signedIn(identity.prisma);
      const old = await createPersonalAccessToken(identity.prisma, me.user, ['api', 'read_registry']);
      const res = await request(identity.app)
        .post(`/api/v4/personal_access_tokens/${old.id}/rotate`)
        .set(me.headers)
        .expect(200);
      expect(res.body).toMatchObject({
        scopes: ['api', 'read_registry'],
        user_id: me.user.id,
        active: true,
        expires_at: utcDay(7),
        token: expect.stringMatching(/^glpat-/),
      });
      expect(res.body.id).not.toBe(old.id);
      await request(identity.app).get('/api/v4/user').set('Private-Token', old.token).expect(401);
      await request(identity.app).get('/api/v4/user').set('Private-Token', res.body.token).expect(200);
      expect(await revokedEventsFor(old.id)).toHaveLength(1);
      expect(await rowText(identity.prisma, 'personal_access_tokens', res.body.id)).not.toContain(
        res.body.token,
      );
      expect(logs.lines()).toContainEqual(
        expect.objectContaining({ event: 'token.rotated', token_id: old.id, new_token_id: res.body.id }),
      );
      expect(JSON.stringify(logs.lines())).not.toContain(res.body.token);

      const again = await request(identity.app)
        .post(`/api/v4/personal_access_tokens/${old.id}/rotate`)
        .set(me.headers)
        .expect(400);
      expect(again.body).toEqual({ message: '400 Bad request - Token already revoked' });
    });

    it('when a token rotates itself with an expiry, then the new one has it', async () => {
      const me = await signedIn(identity.prisma);
      const res = await request(identity.app)
        .post('/api/v4/personal_access_tokens/self/rotate')
        .set(me.headers)
        .send({ expires_at: utcDay(30) })
        .expect(200);
      expect(res.body.expires_at).toBe(utcDay(30));
      await request(identity.app).get('/api/v4/user').set(me.headers).expect(401);
      await request(identity.app).get('/api/v4/user').set('Private-Token', res.body.token).expect(200);
    });

    it('when the rotation expiry is not in the future, then 400 and the old token still works', async () => {
      const me = await signedIn(identity.prisma);
      const res = await request(identity.app)
        .post('/api/v4/personal_access_tokens/self/rotate')
        .set(me.headers)
        .send({ expires_at: utcDay(0) })
        .expect(400);
      expect(res.body).toEqual({ message: { expires_at: ['must be in the future'] } });
      await request(identity.app).get('/api/v4/user').set(me.headers).expect(200);
    });
  });
});
