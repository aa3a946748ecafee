import request from 'supertest';
import { createTokenVerifier } from '@stowage/auth';
import { createMetrics, createServiceApp, ociErrorFormat } from '@stowage/http';
import { createSilentLogger } from '@stowage/logging';
import { containersRouter } from '../src/http/containers';

function app() {
  // The JWKS is never fetched: these requests carry no token or a malformed one.
  const verifier = createTokenVerifier({
    jwksUri: 'http://127.0.0.1:9/-/jwks',
    issuer: 'i',
    audiences: ['dependency_proxy'],
  });
  return createServiceApp({
    logger: createSilentLogger(),
    metrics: createMetrics({ service: 'dependency-proxy' }),
    health: { checks: {} },
    errorFormat: ociErrorFormat,
    routes: (router) =>
      router.use(
        '/v2',
        containersRouter({
          verify: (token) => verifier.verify(token, 'dependency_proxy'),
          externalUrl: 'http://localhost:5000',
        }),
      ),
  });
}

describe('dependency proxy containers routes', () => {
  it.each([
    '/v2/group/dependency_proxy/containers/alpine/manifests/latest',
    '/v2/group/sub/dependency_proxy/containers/library/alpine/blobs/sha256:abc',
  ])(
    'when %s is requested without a token, then 401 challenges for a dependency_proxy token with its pull scope',
    async (path) => {
      const res = await request(app()).get(path);
      const name = path.replace(/^\/v2\//, '').replace(/\/(manifests|blobs)\/[^/]+$/, '');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe(
        `Bearer realm="http://localhost:5000/jwt/auth",service="dependency_proxy",scope="repository:${name}:pull"`,
      );
      expect(res.body.errors[0].code).toBe('UNAUTHORIZED');
    },
  );

  it('when a path is not a dependency proxy path, then it is not challenged', async () => {
    const res = await request(app()).get('/v2/group/project/manifests/latest');
    expect(res.status).toBe(404);
  });
});
