import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  createTokenVerifier,
  generateSigningKey,
  signAccessToken,
  toJwks,
  type SigningKey,
  type TokenVerifier,
} from '@stowage/auth';
import { createMetrics, createServiceApp, ociErrorFormat } from '@stowage/http';
import { createSilentLogger } from '@stowage/logging';
import { registryBaseRouter } from '../src/http/base';

const ISSUER = 'stowage-issuer';
const REALM = 'https://registry.example.test/jwt/auth';

/** The registry's `/v2` base router in the service frame, verifying tokens with `verifier`. */
function appVerifyingWith(verifier: TokenVerifier) {
  return createServiceApp({
    logger: createSilentLogger(),
    metrics: createMetrics({ service: 'registry' }),
    health: { checks: {} },
    errorFormat: ociErrorFormat,
    routes: (router) =>
      router.use(
        '/v2',
        registryBaseRouter({
          verify: (token) => verifier.verify(token, 'container_registry'),
          externalUrl: 'https://registry.example.test/',
        }),
      ),
  });
}

describe('GET /v2/', () => {
  let jwksServer: http.Server;
  let key: SigningKey;
  let app: ReturnType<typeof createServiceApp>;

  beforeAll(async () => {
    key = generateSigningKey();
    jwksServer = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(toJwks([key.publicJwk])));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const { port } = jwksServer.address() as AddressInfo;
    const verifier = createTokenVerifier({
      jwksUri: `http://127.0.0.1:${port}/-/jwks`,
      issuer: ISSUER,
      audiences: ['container_registry'],
    });
    app = appVerifyingWith(verifier);
  });

  afterAll(() => new Promise<void>((resolve) => jwksServer.close(() => resolve())));

  const token = (audience = 'container_registry', issuer = ISSUER) =>
    signAccessToken(key, { issuer, subject: 'alice', audience, access: [], expiresInSeconds: 300 });

  it('when no token is sent, then 401 challenges the client toward the token endpoint', async () => {
    const res = await request(app).get('/v2/');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="${REALM}",service="container_registry"`);
    expect(res.headers['docker-distribution-api-version']).toBe('registry/2.0');
    expect(res.body).toEqual({
      errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: null }],
    });
  });

  it('when a valid registry token is sent, then the API root answers 200 {}', async () => {
    const res = await request(app).get('/v2/').set('Authorization', `Bearer ${token()}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(res.headers['docker-distribution-api-version']).toBe('registry/2.0');
  });

  it.each([
    ['a token for another service', () => token('dependency_proxy')],
    ['a token from another issuer', () => token('container_registry', 'someone-else')],
    ['garbage', () => 'not-a-jwt'],
  ])('when %s is sent, then 401 says invalid_token', async (_name, make) => {
    const res = await request(app).get('/v2/').set('Authorization', `Bearer ${make()}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="${REALM}",service="container_registry",error="invalid_token"`,
    );
  });

  it('when Basic credentials are sent, then the client is challenged for a bearer token', async () => {
    const res = await request(app).get('/v2/').auth('alice', 'secret');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm=/);
  });

  it('when the signing keys cannot be fetched (auth-token down), then 503 UNAVAILABLE, not a refusal of the token', async () => {
    // A verifier whose JWKS endpoint refuses connections: a token it has never seen cannot be checked.
    const refused = createTokenVerifier({
      jwksUri: 'http://127.0.0.1:9/-/jwks',
      issuer: ISSUER,
      audiences: ['container_registry'],
    });
    const down = appVerifyingWith(refused);

    const res = await request(down).get('/v2/').set('Authorization', `Bearer ${token()}`);

    expect([res.status, res.headers['retry-after'], res.headers['www-authenticate']]).toEqual([
      503,
      '5',
      undefined,
    ]);
    expect(res.body.errors[0].code).toBe('UNAVAILABLE');
  });
});
