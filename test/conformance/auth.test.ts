import { randomBytes } from 'node:crypto';
import { basicAuth } from '../e2e/support/identity-world';
import { STOP_TIMEOUT_MS } from '../e2e/support/standalone';
import { buildImage, randomLayer, type Content, type Image } from './support/content';
import {
  CATALOG_SCOPE,
  repositoryScope,
  startConformanceWorld,
  WORLD_TIMEOUT_MS,
  type ConformanceWorld,
} from './support/conformance-world';
import {
  expectApiVersionHeader,
  expectOciError,
  expectStatus,
  parseChallenge,
  scopeAsking,
} from './support/oci-assertions';
import { pushBlob, pushImage } from './support/publish';
import type { RegistryResponse } from './support/registry-client';

// Every endpoint of the four categories behind the registry's Bearer token auth: the challenge
// without a token, insufficient_scope for each role's missing action, and repositories kept apart
// (a token for one, content of one). Runs the compiled standalone launcher: `pnpm run build` first.

type Action = 'pull' | 'push' | 'delete';

interface Endpoint {
  /** How the test names it: `METHOD path` with placeholders. */
  name: string;
  action: Action;
  send(token: string | undefined): Promise<RegistryResponse>;
}

describe('OCI conformance: authentication and authorization', () => {
  let world: ConformanceWorld;
  let repository: string;
  let rootToken: string;
  let image: Image;
  let looseBlob: Content;
  /** An upload root opened, live for every test (they are all refused before touching it). */
  let uploadLocation: string;

  beforeAll(async () => {
    world = await startConformanceWorld('auth');
    repository = world.repository('guarded');
    rootToken = await world.rootToken(repository);
    image = buildImage();
    await pushImage(world.registry, rootToken, repository, image, 'v1');
    looseBlob = randomLayer();
    await pushBlob(world.registry, rootToken, repository, looseBlob);
    const started = await world.registry.send('POST', `/v2/${repository}/blobs/uploads/`, {
      token: rootToken,
    });
    expectStatus(started, 202);
    uploadLocation = started.headers.get('location')!;
  }, WORLD_TIMEOUT_MS);

  afterAll(() => world?.stop(), STOP_TIMEOUT_MS);

  const realm = () => `${world.externalUrl}/jwt/auth`;
  const send = (method: string, path: string, token: string | undefined, body?: Buffer, headers = {}) =>
    world.registry.send(method, path, { token, body, headers });
  const octets = { 'content-type': 'application/octet-stream' };

  const endpoints: Endpoint[] = [
    {
      name: 'GET /v2/<name>/manifests/<tag>',
      action: 'pull',
      send: (t) => send('GET', `/v2/${repository}/manifests/v1`, t),
    },
    {
      name: 'HEAD /v2/<name>/manifests/<tag>',
      action: 'pull',
      send: (t) => send('HEAD', `/v2/${repository}/manifests/v1`, t),
    },
    {
      name: 'GET /v2/<name>/manifests/<digest>',
      action: 'pull',
      send: (t) => send('GET', `/v2/${repository}/manifests/${image.manifest.digest}`, t),
    },
    {
      name: 'PUT /v2/<name>/manifests/<tag>',
      action: 'push',
      send: (t) =>
        send('PUT', `/v2/${repository}/manifests/v2`, t, image.manifest.bytes, {
          'content-type': image.manifest.mediaType,
        }),
    },
    {
      name: 'DELETE /v2/<name>/manifests/<digest>',
      action: 'delete',
      send: (t) => send('DELETE', `/v2/${repository}/manifests/${image.manifest.digest}`, t),
    },
    {
      name: 'DELETE /v2/<name>/manifests/<tag>',
      action: 'delete',
      send: (t) => send('DELETE', `/v2/${repository}/manifests/v1`, t),
    },
    {
      name: 'GET /v2/<name>/blobs/<digest>',
      action: 'pull',
      send: (t) => send('GET', `/v2/${repository}/blobs/${looseBlob.digest}`, t),
    },
    {
      name: 'HEAD /v2/<name>/blobs/<digest>',
      action: 'pull',
      send: (t) => send('HEAD', `/v2/${repository}/blobs/${looseBlob.digest}`, t),
    },
    {
      name: 'DELETE /v2/<name>/blobs/<digest>',
      action: 'delete',
      send: (t) => send('DELETE', `/v2/${repository}/blobs/${looseBlob.digest}`, t),
    },
    {
      name: 'POST /v2/<name>/blobs/uploads/',
      action: 'push',
      send: (t) => send('POST', `/v2/${repository}/blobs/uploads/`, t),
    },
    {
      name: 'POST /v2/<name>/blobs/uploads/?digest=<digest>',
      action: 'push',
      send: (t) => {
        const blob = randomLayer(64);
        return send(
          'POST',
          world.registry.url(`/v2/${repository}/blobs/uploads/`, { digest: blob.digest }),
          t,
          blob.bytes,
          octets,
        );
      },
    },
    {
      name: 'POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<other>',
      action: 'push',
      send: (t) =>
        send(
          'POST',
          world.registry.url(`/v2/${repository}/blobs/uploads/`, {
            mount: looseBlob.digest,
            from: repository,
          }),
          t,
        ),
    },
    {
      name: 'GET /v2/<name>/blobs/uploads/<uuid>',
      action: 'push',
      send: (t) => send('GET', uploadLocation, t),
    },
    {
      name: 'PATCH /v2/<name>/blobs/uploads/<uuid>',
      action: 'push',
      send: (t) => send('PATCH', uploadLocation, t, randomBytes(10), { ...octets, 'content-range': '0-9' }),
    },
    {
      name: 'PUT /v2/<name>/blobs/uploads/<uuid>?digest=<digest>',
      action: 'push',
      send: (t) => {
        const blob = randomLayer(10);
        return send(
          'PUT',
          world.registry.url(uploadLocation, { digest: blob.digest }),
          t,
          blob.bytes,
          octets,
        );
      },
    },
    {
      name: 'DELETE /v2/<name>/blobs/uploads/<uuid>',
      action: 'push',
      send: (t) => send('DELETE', uploadLocation, t),
    },
    {
      name: 'GET /v2/<name>/tags/list',
      action: 'pull',
      send: (t) => send('GET', `/v2/${repository}/tags/list`, t),
    },
    {
      name: 'GET /v2/<name>/referrers/<digest>',
      action: 'pull',
      send: (t) => send('GET', `/v2/${repository}/referrers/${image.manifest.digest}`, t),
    },
  ];
  const named = (actions: Action[]) =>
    endpoints.filter((each) => actions.includes(each.action)).map((each) => [each.name, each] as const);

  /** 401 with a Bearer challenge on the token service; the body (none for HEAD) says UNAUTHORIZED. */
  const expectChallenge = (response: RegistryResponse, error?: string) => {
    if (response.request.startsWith('HEAD ')) expectStatus(response, 401);
    else expectOciError(response, 401, 'UNAUTHORIZED');
    expectApiVersionHeader(response);
    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    expect(challenge).toEqual({
      scheme: 'Bearer',
      params: expect.objectContaining({ realm: realm(), service: 'container_registry' }),
    });
    expect(challenge.params.error).toBe(error);
    return challenge;
  };

  /** The challenge names this repository and the action the endpoint needs. */
  const expectScopeFor = (response: RegistryResponse, action: Action, error?: string) => {
    expectChallenge(response, error);
    expect(response.headers.get('www-authenticate')).toMatch(scopeAsking(repository, action));
  };

  describe('challenges', () => {
    it('when /v2/ is asked without a token, then it answers 401 UNAUTHORIZED with a Bearer challenge naming realm and service only', async () => {
      const response = await send('GET', '/v2/', undefined);

      expectChallenge(response);
      expect(response.headers.get('www-authenticate')).toBe(
        `Bearer realm="${realm()}",service="container_registry"`,
      );
    });

    it('when /v2/ is asked with a token that is no JWT, then it answers 401 with error="invalid_token"', async () => {
      expectChallenge(await send('GET', '/v2/', 'not-a-token'), 'invalid_token');
    });

    it('when a token for the dependency proxy is used on the registry, then it answers 401 with error="invalid_token"', async () => {
      const query = new URLSearchParams({
        service: 'dependency_proxy',
        scope: repositoryScope(repository, 'pull'),
      });
      const issued = await fetch(`${world.registry.base}/jwt/auth?${query}`, {
        headers: { authorization: basicAuth(world.root.username, world.root.secret) },
      });
      expect(issued.status).toBe(200);
      const { token } = (await issued.json()) as { token: string };

      expectChallenge(await send('GET', `/v2/${repository}/manifests/v1`, token), 'invalid_token');
    });

    it.each(named(['pull', 'push', 'delete']))(
      'when %s is sent without a token, then it answers 401 with a challenge for the action it needs',
      async (_name, endpoint) => {
        expectScopeFor(await endpoint.send(undefined), endpoint.action);
      },
    );

    it.each(named(['pull', 'push', 'delete']))(
      'when %s is sent with a token that is no JWT, then it answers 401 with error="invalid_token"',
      async (_name, endpoint) => {
        expectChallenge(await endpoint.send('not-a-token'), 'invalid_token');
      },
    );

    it('when the catalog is asked for without a token, then it answers 401 with a challenge for registry:catalog:*', async () => {
      const challenge = expectChallenge(await send('GET', '/v2/_catalog', undefined));

      expect(challenge.params.scope).toBe(CATALOG_SCOPE);
    });
  });

  describe('insufficient scope', () => {
    describe('a Reporter (pull only)', () => {
      let token: string;

      beforeAll(async () => {
        token = await world.token(world.reporter, repositoryScope(repository, 'pull,push,delete'));
      });

      it.each(named(['pull']))('when %s is sent, then it is allowed', async (_name, endpoint) => {
        expectStatus(await endpoint.send(token), 200);
      });

      it.each(named(['push', 'delete']))(
        'when %s is sent, then it answers 401 insufficient_scope naming the action',
        async (_name, endpoint) => {
          expectScopeFor(await endpoint.send(token), endpoint.action, 'insufficient_scope');
        },
      );
    });

    describe('a read-only deploy token', () => {
      let token: string;

      beforeAll(async () => {
        token = await world.token(world.deployToken, repositoryScope(repository, 'pull,push'));
      });

      it('when it pulls a manifest, then it is allowed', async () => {
        expectStatus(await send('GET', `/v2/${repository}/manifests/v1`, token), 200);
      });

      it.each(named(['push']))(
        'when %s is sent, then it answers 401 insufficient_scope naming push',
        async (_name, endpoint) => {
          expectScopeFor(await endpoint.send(token), 'push', 'insufficient_scope');
        },
      );
    });

    describe('a Developer (pull and push, no delete)', () => {
      let token: string;

      beforeAll(async () => {
        token = await world.token(world.developer, repositoryScope(repository, 'pull,push,delete'));
      });

      it('when it opens an upload, then it is allowed', async () => {
        expectStatus(await send('POST', `/v2/${repository}/blobs/uploads/`, token), 202);
      });

      it.each(named(['delete']))(
        'when %s is sent, then it answers 401 insufficient_scope naming delete and deletes nothing',
        async (_name, endpoint) => {
          expectScopeFor(await endpoint.send(token), 'delete', 'insufficient_scope');
          expectStatus(await send('GET', `/v2/${repository}/manifests/v1`, rootToken), 200);
          expectStatus(await send('GET', `/v2/${repository}/blobs/${looseBlob.digest}`, rootToken), 200);
        },
      );

      it('when it lists the catalog, then it answers 401 insufficient_scope for registry:catalog:*', async () => {
        const catalogToken = await world.token(world.developer, CATALOG_SCOPE);

        const challenge = expectChallenge(
          await send('GET', '/v2/_catalog', catalogToken),
          'insufficient_scope',
        );

        expect(challenge.params.scope).toBe(CATALOG_SCOPE);
      });
    });

    it('when a token for one repository is used on another, then it answers 401 insufficient_scope', async () => {
      const other = world.repository('unrelated');
      await pushImage(world.registry, await world.rootToken(other), other, buildImage(), 'v1');

      const response = await send('GET', `/v2/${other}/manifests/v1`, rootToken);

      expectChallenge(response, 'insufficient_scope');
      expect(response.headers.get('www-authenticate')).toMatch(scopeAsking(other, 'pull'));
    });

    it('when an anonymous token is used on a private project, then it answers 401 insufficient_scope', async () => {
      const anonymous = await world.token(undefined, repositoryScope(repository, 'pull'));

      expectScopeFor(
        await send('GET', `/v2/${repository}/manifests/v1`, anonymous),
        'pull',
        'insufficient_scope',
      );
    });

    it.each([
      ['in a project that does not exist', () => `${world.project}-missing/app`],
      ['more than three segments below its project', () => `${world.project}/a/b/c/d`],
    ])('when the repository is %s, then even root gets no access (401)', async (_case, nameOf) => {
      const name = nameOf();
      const token = await world.rootToken(name);

      const response = await send('POST', `/v2/${name}/blobs/uploads/`, token);

      expectChallenge(response, 'insufficient_scope');
    });
  });

  describe('repository isolation', () => {
    let a: string;
    let b: string;
    let token: string;
    let isolated: Image;

    beforeAll(async () => {
      a = world.repository('isolated-a');
      b = world.repository('isolated-b');
      token = await world.rootToken(a, b);
      isolated = buildImage();
      await pushImage(world.registry, token, a, isolated, 'v1');
      // B exists, so a 404 there is about the content and not about an unknown repository.
      await pushImage(world.registry, token, b, buildImage(), 'other');
    }, WORLD_TIMEOUT_MS);

    it("when repository A's blob is asked for in B, then GET and HEAD answer 404 BLOB_UNKNOWN", async () => {
      for (const blob of [isolated.config, ...isolated.layers]) {
        expectOciError(await send('GET', `/v2/${b}/blobs/${blob.digest}`, token), 404, 'BLOB_UNKNOWN');
        expectStatus(await send('HEAD', `/v2/${b}/blobs/${blob.digest}`, token), 404);
        expectStatus(await send('GET', `/v2/${a}/blobs/${blob.digest}`, token), 200);
      }
    });

    it("when repository A's manifest is asked for in B, by digest or by A's tag, then it answers 404 MANIFEST_UNKNOWN", async () => {
      expectOciError(
        await send('GET', `/v2/${b}/manifests/${isolated.manifest.digest}`, token),
        404,
        'MANIFEST_UNKNOWN',
      );
      expectOciError(await send('GET', `/v2/${b}/manifests/v1`, token), 404, 'MANIFEST_UNKNOWN');
    });

    it("when B's tags are listed, then A's tags are not among them", async () => {
      const response = await send('GET', `/v2/${b}/tags/list`, token);

      expectStatus(response, 200);
      expect(response.json()).toEqual({ name: b, tags: ['other'] });
    });
  });
});
