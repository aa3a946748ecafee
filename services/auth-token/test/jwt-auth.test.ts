import { PassThrough } from 'node:stream';
import request from 'supertest';
import { createLogger } from '@stowage/logging';
import { ACCESS_LEVEL } from '../src/domain/access-level';
import type { Project, User } from '../src/generated/prisma/client';
import { openIdentityApp, TEST_ISSUER, type IdentityApp } from './support/identity-app';
import {
  addMember,
  createDeployToken,
  createGroup,
  createJobToken,
  createPersonalAccessToken,
  createProject,
  createUser,
} from './support/identity-fixtures';
import { decodeJwt, serveTokenService, type TokenService } from './support/registry-tokens';

const PASSWORD = 'jwt-auth-password';
const ACCESS_DENIED =
  "HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you're required to use a token instead of a password. If a token was provided, it was either incorrect, expired, or improperly scoped.";

describe('GET /jwt/auth', () => {
  let identity: IdentityApp;
  let tokens: TokenService;
  let logLines: string[];
  let user: User;
  let project: Project;

  beforeAll(async () => {
    const stream = new PassThrough();
    logLines = [];
    stream.on('data', (chunk: Buffer) => logLines.push(...chunk.toString().split('\n').filter(Boolean)));
    identity = await openIdentityApp({ logger: createLogger({ service: 'auth-token', stream }) });
    tokens = await serveTokenService(identity.app);
    user = await createUser(identity.prisma, { password: PASSWORD });
    project = await createProject(identity.prisma, { namespace: await createGroup(identity.prisma) });
    await addMember(identity.prisma, user, { project }, ACCESS_LEVEL.developer);
  });
  afterAll(async () => {
    await tokens.close();
    await identity.close();
  });

  it('when the service is missing or unknown, then the answer is 404', async () => {
    for (const query of ['', '?service=registry', '?service=container_registry&service=dependency_proxy']) {
      const response = await request(identity.app).get(`/jwt/auth${query}`);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ message: '404 Not Found' });
    }
  });

  it('when anonymous asks without scopes, then it gets a token granting nothing, in the Docker token shape', async () => {
    const before = Math.floor(Date.now() / 1000);
    const answer = await tokens.requestToken({});
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    const { token, access_token, expires_in, issued_at } = answer.body;
    expect(access_token).toBe(token);
    expect(expires_in).toBe(300);
    const { header, payload } = decodeJwt(String(token));
    expect(header).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(payload).toEqual({
      iss: TEST_ISSUER,
      sub: '',
      aud: 'container_registry',
      iat: expect.any(Number),
      nbf: expect.any(Number),
      exp: (payload.iat as number) + 300,
      jti: expect.any(String),
      access: [],
    });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.nbf).toBeLessThanOrEqual(payload.iat as number);
    expect(issued_at).toBe(new Date((payload.iat as number) * 1000).toISOString().replace('.000Z', 'Z'));
    expect(answer.verified).toMatchObject({ subject: '', access: [] });
    expect(answer.verified?.userId).toBeUndefined();
    expect(answer.verified?.credential).toBeUndefined();
  });

  it('when each kind of credential signs in, then sub, user_id and credential name it', async () => {
    const { prisma } = identity;
    const pat = await createPersonalAccessToken(prisma, user, ['read_registry']);
    const deploy = await createDeployToken(prisma, { project }, ['read_registry']);
    const job = await createJobToken(prisma, project, user);
    const cases = [
      {
        login: { username: user.username, password: PASSWORD },
        sub: user.username,
        userId: user.id,
        credential: `password:${user.id}`,
      },
      {
        login: { username: 'whatever', password: pat.token },
        sub: user.username,
        userId: user.id,
        credential: `personal_access_token:${pat.id}`,
      },
      {
        login: { username: deploy.username, password: deploy.token },
        sub: deploy.username,
        userId: undefined,
        credential: `deploy_token:${deploy.id}`,
      },
      {
        login: { username: 'gitlab-ci-token', password: job.token },
        sub: user.username,
        userId: user.id,
        credential: `job_token:${job.id}`,
      },
    ];
    for (const { login, sub, userId, credential } of cases) {
      const answer = await tokens.requestToken({ login, scopes: [`repository:${project.fullPath}:pull`] });
      expect(answer.status).toBe(200);
      expect(answer.verified).toMatchObject({ subject: sub, credential, audience: 'container_registry' });
      expect(answer.verified?.userId).toBe(userId);
      expect(answer.verified?.access).toEqual([
        {
          type: 'repository',
          name: project.fullPath,
          actions: ['pull'],
          meta: { project_id: project.id, project_path: project.fullPath },
        },
      ]);
      expect(decodeJwt(String(answer.body.token)).payload.user_id).toBe(userId);
    }
  });

  it("when the credentials are wrong, then docker gets 401 with GitLab's message, and the audit line names the user but not the secret", async () => {
    const secret = 'not-the-password-4711';
    const answer = await tokens.requestToken({ login: { username: user.username, password: secret } });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: ACCESS_DENIED }] });
    const audit = logLines.map((line) => JSON.parse(line)).find((line) => line.event === 'login.failed');
    expect(audit).toMatchObject({ audit: true, username: user.username, source: expect.any(String) });
    expect(logLines.join('\n')).not.toContain(secret);
  });

  it('when the Basic header cannot be read, then it is a failed sign-in; another scheme counts as anonymous', async () => {
    const noColon = await request(identity.app)
      .get('/jwt/auth?service=container_registry')
      .set('Authorization', `Basic ${Buffer.from('just-a-token').toString('base64')}`);
    expect(noColon.status).toBe(401);
    const bearer = await request(identity.app)
      .get('/jwt/auth?service=container_registry')
      .set('Authorization', 'Bearer something');
    expect(bearer.status).toBe(200);
    expect(decodeJwt(bearer.body.token).payload.sub).toBe('');
  });

  it('when scopes are malformed or unknown, then they are ignored and the token carries the rest', async () => {
    const answer = await tokens.requestToken({
      login: { username: user.username, password: PASSWORD },
      scopes: [
        'garbage',
        'repository::pull',
        'repository:../etc:pull',
        `repository:${project.fullPath}:fly`,
        'registry:catalog:pull',
        'blob:x:pull',
        `repository:${'a/'.repeat(200)}b:pull`,
        `repository(plugin):${project.fullPath}:pull`,
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.verified?.access).toEqual([
      {
        type: 'repository',
        name: project.fullPath,
        actions: ['pull'],
        meta: { project_id: project.id, project_path: project.fullPath },
      },
    ]);
  });

  it('when the token is for the dependency proxy, then its audience says so and container scopes grant nothing there', async () => {
    const answer = await tokens.requestToken({
      service: 'dependency_proxy',
      login: { username: user.username, password: PASSWORD },
      scopes: [`repository:${project.fullPath}:pull`],
    });
    expect(answer.status).toBe(200);
    expect(answer.verified).toMatchObject({ audience: 'dependency_proxy', access: [] });
  });
});
