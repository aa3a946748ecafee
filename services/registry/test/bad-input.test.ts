import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import type { Express } from 'express';
import type { VerifiedToken } from '@stowage/auth';
import { FilesystemBlobStore } from '@stowage/blob-store';
import { createMetrics, createServiceApp, gitlabErrorFormat, ociErrorFormat } from '@stowage/http';
import { createSilentLogger } from '@stowage/logging';
import { createUpload, type Repository } from '@stowage/registry-data';
import {
  fromNodeServer,
  isGitlabError,
  isMalformedUrl,
  isOciError,
  pathOf,
  queryString,
  requestValues,
} from '../../../libs/http/test/support/url-arbitraries';
import {
  createRepository,
  pushImage,
  type PushedImage,
} from '../../../libs/registry-data/test/support/registry-fixtures';
import { registryBaseRouter } from '../src/http/base';
import { scopeOfRequest, v2Api } from '../src/http/v2-api';
import { BlobUploads } from '../src/uploads/blob-uploads';
import { UploadHashCache } from '../src/uploads/hash-cache';
import { createIdentityWorld, type IdentityWorld } from './api/support/identity-world';
import { openReadCaches } from '../src/caches/open-read-caches';
import { openRestApiWorld, WORLD_TIMEOUT_MS, type RestApiWorld } from './api/support/rest-api-world';

// Property tests: random, malformed and oversized values in every path and query parameter of
// the registry's /v2 and /api/v4 routes, authenticated or not. None may get a 5xx, and every
// error is in the route's format. fast-check prints the seed and the shrunk case of a failure.

const RUNS = 150;

type Method = 'get' | 'head' | 'post' | 'put' | 'patch' | 'delete';

interface Route {
  methods: Method[];
  pattern: string;
  query: string[];
}

/** Every route of the registry's REST API (services/registry/src/http/api/index.ts). */
const REST_ROUTES: Route[] = [
  {
    methods: ['get'],
    pattern: '/projects/:id/registry/repositories',
    query: ['tags', 'tags_count', 'size', 'name', 'order_by', 'sort', 'page', 'per_page'],
  },
  { methods: ['delete'], pattern: '/projects/:id/registry/repositories/:repository_id', query: [] },
  {
    methods: ['get'],
    pattern: '/projects/:id/registry/repositories/:repository_id/tags',
    query: ['order_by', 'sort', 'name', 'page', 'per_page'],
  },
  {
    methods: ['delete'],
    pattern: '/projects/:id/registry/repositories/:repository_id/tags',
    query: ['name_regex', 'name_regex_delete', 'name_regex_keep', 'keep_n', 'older_than'],
  },
  {
    methods: ['get', 'delete'],
    pattern: '/projects/:id/registry/repositories/:repository_id/tags/:tag_name',
    query: [],
  },
  {
    methods: ['get'],
    pattern: '/groups/:id/registry/repositories',
    query: ['tags', 'tags_count', 'size', 'name', 'order_by', 'sort', 'page', 'per_page'],
  },
  { methods: ['get'], pattern: '/registry/repositories/:id', query: ['tags', 'tags_count', 'size'] },
  { methods: ['get'], pattern: '/projects/:id/registry/cleanup_policy/preview', query: [] },
  { methods: ['post'], pattern: '/projects/:id/registry/cleanup_policy/run', query: [] },
];

const V2_QUERY = ['n', 'last', 'digest', 'mount', 'from', 'artifactType'];

describe('registry: bad input never gets a 5xx', () => {
  let world: RestApiWorld;
  let ids: IdentityWorld;
  let repository: Repository;
  // The properties may delete `repository` (a maintainer's DELETE of its id, often guessed: ids
  // are small numbers); these examples need one of their own, in a project none of the fuzzed
  // credentials may delete in.
  let untouched: Repository;
  let image: PushedImage;
  let uploadId: string;
  let v2: Express;
  let blobDir: string;
  /** Tokens the fake verifier accepts, each granting everything on one repository name. */
  const tokens = new Map<string, VerifiedToken>();

  const grant = (name: string, projectId = ids.app.id): string => {
    const token = randomUUID();
    tokens.set(token, {
      subject: 'fuzzer',
      issuer: 'test',
      audience: 'container_registry',
      access: [
        { type: 'repository', name, actions: ['pull', 'push', 'delete'], meta: { project_id: projectId } },
        { type: 'registry', name: 'catalog', actions: ['*'] },
      ],
      issuedAt: new Date(),
      expiresAt: new Date(Date.now() + 60_000),
      keyId: 'test',
    });
    return token;
  };

  beforeAll(async () => {
    world = await openRestApiWorld();
    ids = await createIdentityWorld(world.identity, 'fuzz');
    const { prisma } = world.registry;
    repository = await createRepository(prisma, 'fuzz-team/app/web', ids.app.id);
    untouched = await createRepository(prisma, 'fuzz-open/site/digests', ids.site.id);
    image = await pushImage(prisma, repository, 'v1');
    uploadId = (await createUpload(prisma, repository.id)).id;
    blobDir = mkdtempSync(join(tmpdir(), 'stowage-bad-input-'));
    const blobs = new FilesystemBlobStore({ directory: blobDir });
    await blobs.initialize();
    const caches = await openReadCaches(world.registry.db);
    const context = {
      prisma,
      blobs,
      uploads: new BlobUploads({ prisma, blobs, hashes: new UploadHashCache(), partSize: 1024 * 1024 }),
      manifests: caches.manifests,
      blobLinks: caches.blobLinks,
      realm: 'http://registry.example.test/jwt/auth',
      blobRedirectSeconds: 0,
    };
    // The frame and routes as service.ts wires them; the JWT itself is tested elsewhere.
    v2 = createServiceApp({
      logger: createSilentLogger(),
      metrics: createMetrics({ service: 'registry' }),
      health: { checks: {} },
      errorFormat: (req) => (req.path.startsWith('/v2') ? ociErrorFormat : gitlabErrorFormat),
      routes: (app) => {
        app.use(
          '/v2',
          registryBaseRouter({
            verify: async (token) => {
              const verified = tokens.get(token);
              if (!verified) throw new Error('unknown token');
              return verified;
            },
            externalUrl: 'http://registry.example.test',
            scope: scopeOfRequest,
          }),
          v2Api(context),
        );
      },
    });
  }, WORLD_TIMEOUT_MS);

  afterAll(async () => {
    await world?.close();
    if (blobDir) rmSync(blobDir, { recursive: true, force: true });
  }, WORLD_TIMEOUT_MS);

  /** A value for an id-like parameter: mostly random, often one that exists, to get past lookups. */
  const idValue = (value: fc.Arbitrary<string>) =>
    fc.oneof(
      { weight: 3, arbitrary: value },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          String(ids.app.id),
          String(repository.id),
          'v1',
          encodeURIComponent('fuzz-team/app'),
        ),
      },
    );

  it(
    'when any route of the REST API gets hostile path and query values, then it answers below 500 in GitLab format',
    async () => {
      const route = fc.tuple(fc.constantFrom(...REST_ROUTES), requestValues).chain(([r, value]) =>
        fc.record({
          method: fc.constantFrom(...r.methods),
          path: pathOf(r.pattern, idValue(value)),
          query: queryString(r.query, value),
          token: fc.constantFrom(
            undefined,
            'garbage',
            ids.tokens.outsider,
            ids.tokens.reporter,
            ids.tokens.maintainer,
            ids.tokens.maintainer,
          ),
        }),
      );
      await fc.assert(
        fc.asyncProperty(route, async ({ method, path, query, token }) => {
          const url = `/api/v4${path}${query ? `?${query}` : ''}`;
          let req = request(world.app)[method](url);
          if (token) req = req.set('Private-Token', token);
          const res = await req;
          expect(res.status).toBeLessThan(500);
          if (isMalformedUrl(url)) expect(res.status).toBe(400);
          if (res.status >= 400 && !fromNodeServer(res.status)) expect(isGitlabError(res.body)).toBe(true);
        }),
        { numRuns: RUNS },
      );
    },
    WORLD_TIMEOUT_MS,
  );

  it(
    'when any /v2 endpoint gets hostile names, references, digests, upload ids and query values, then it answers below 500 in OCI format',
    async () => {
      const call = requestValues.chain((value) => {
        const name = fc.oneof(
          fc.constant(repository.path),
          fc.array(value, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/')),
        );
        const reference = fc.oneof(
          value,
          fc.constantFrom(
            'v1',
            image.manifest.digest,
            image.layers[0]!.digest,
            uploadId,
            'sha256:xyz',
            'foo',
          ),
        );
        const endpoint = fc.oneof(
          fc.record({ methods: fc.constant<Method[]>(['get']), suffix: fc.constant('') }),
          fc.record({ methods: fc.constant<Method[]>(['get']), suffix: fc.constant('/tags/list') }),
          fc.record({
            methods: fc.constant<Method[]>(['get', 'head', 'put', 'delete']),
            suffix: reference.map((r) => `/manifests/${r}`),
          }),
          fc.record({
            methods: fc.constant<Method[]>(['get', 'head', 'delete']),
            suffix: reference.map((r) => `/blobs/${r}`),
          }),
          fc.record({ methods: fc.constant<Method[]>(['post']), suffix: fc.constant('/blobs/uploads/') }),
          fc.record({
            methods: fc.constant<Method[]>(['get', 'patch', 'put', 'delete']),
            suffix: reference.map((r) => `/blobs/uploads/${r}`),
          }),
          fc.record({
            methods: fc.constant<Method[]>(['get']),
            suffix: reference.map((r) => `/referrers/${r}`),
          }),
        );
        return fc.record({
          name,
          endpoint: endpoint.chain(({ methods, suffix }) =>
            fc.record({ method: fc.constantFrom(...methods), suffix: fc.constant(suffix) }),
          ),
          catalog: fc.boolean(),
          query: queryString(V2_QUERY, value),
          auth: fc.constantFrom('none', 'garbage', 'granted', 'granted'),
          body: fc.uint8Array({ maxLength: 64 }),
        });
      });
      await fc.assert(
        fc.asyncProperty(call, async ({ name, endpoint, catalog, query, auth, body }) => {
          const path = catalog && endpoint.suffix === '' ? '/v2/_catalog' : `/v2/${name}${endpoint.suffix}`;
          const url = `${path}${query ? `?${query}` : ''}`;
          let req = request(v2)[endpoint.method](url);
          if (auth === 'garbage') req = req.set('Authorization', 'Bearer garbage');
          if (auth === 'granted') req = req.set('Authorization', `Bearer ${grant(name)}`);
          if (endpoint.method === 'put' || endpoint.method === 'patch' || endpoint.method === 'post')
            req = req.set('Content-Type', 'application/octet-stream').send(Buffer.from(body));
          const res = await req;
          expect(res.status).toBeLessThan(500);
          if (isMalformedUrl(url)) expect(res.status).toBe(400);
          if (res.status >= 400 && !fromNodeServer(res.status) && endpoint.method !== 'head')
            expect(isOciError(res.body)).toBe(true);
        }),
        { numRuns: RUNS },
      );
    },
    WORLD_TIMEOUT_MS,
  );

  describe('manifest references that are neither a valid tag nor a digest', () => {
    const granted = () => `Bearer ${grant(untouched.path, ids.site.id)}`;
    it.each([
      ['a tag starting with a dash', '-dash'],
      ['a tag of 129 characters', 'a'.repeat(129)],
      ['a digest that is not hex', 'sha256:xyz'],
      ['a digest of an unknown algorithm', 'md5:abc'],
    ])(
      'when GET or HEAD names %s, then it answers 404 MANIFEST_UNKNOWN, as distribution does',
      async (_case, reference) => {
        const path = `/v2/${untouched.path}/manifests/${reference}`;
        const got = await request(v2).get(path).set('Authorization', granted());
        const headed = await request(v2).head(path).set('Authorization', granted());

        expect([got.status, got.body.errors?.[0]?.code]).toEqual([404, 'MANIFEST_UNKNOWN']);
        expect(headed.status).toBe(404);
      },
    );

    it('when PUT names an invalid tag, then it still answers 400 TAG_INVALID', async () => {
      const res = await request(v2)
        .put(`/v2/${untouched.path}/manifests/-dash`)
        .set('Authorization', granted())
        .set('Content-Type', 'application/vnd.oci.image.manifest.v1+json')
        .send('{}');

      expect([res.status, res.body.errors[0].code]).toEqual([400, 'TAG_INVALID']);
    });
  });

  describe('digests that do not parse', () => {
    const granted = () => `Bearer ${grant(untouched.path, ids.site.id)}`;

    it.each([
      ['a blob upload with ?digest=sha256:xyz', 'post', '/blobs/uploads/?digest=sha256:xyz'],
      ['a blob upload with ?digest=foo', 'post', '/blobs/uploads/?digest=foo'],
      ['a blob path naming sha256:xyz', 'get', '/blobs/sha256:xyz'],
      // A GET or HEAD of it answers 404 MANIFEST_UNKNOWN instead (below).
      ['a manifest deletion naming md5:abc', 'delete', '/manifests/md5:abc'],
    ] as const)(
      'when %s arrives, then DIGEST_INVALID says the digest is invalid',
      async (_what, method, suffix) => {
        const call = request(v2)[method](`/v2/${untouched.path}${suffix}`);
        const res = await call.set('Authorization', granted());
        expect(res.status).toBe(400);
        expect(res.body.errors[0].code).toBe('DIGEST_INVALID');
        expect(res.body.errors[0].message).toMatch(/^invalid digest: /);
      },
    );

    it('when an upload is completed without ?digest=, then DIGEST_INVALID says it is missing', async () => {
      const { id } = await createUpload(world.registry.prisma, untouched.id);
      const res = await request(v2)
        .put(`/v2/${untouched.path}/blobs/uploads/${id}`)
        .set('Authorization', granted());
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({
        code: 'DIGEST_INVALID',
        message: 'invalid digest: the digest parameter is missing',
      });
    });

    it('when a well-formed digest does not match the content, then the message says so', async () => {
      const wrong = `sha256:${'0'.repeat(64)}`;
      const res = await request(v2)
        .post(`/v2/${untouched.path}/blobs/uploads/?digest=${wrong}`)
        .set('Authorization', granted())
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from('hello'));
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({
        code: 'DIGEST_INVALID',
        message: 'provided digest did not match uploaded content',
      });
    });
  });
});
