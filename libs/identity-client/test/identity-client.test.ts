import { InProcessEventBus, newEvent } from '@stowage/bus';
import {
  createIdentityClient,
  IdentityThrottledError,
  IdentityUnauthorizedError,
  IdentityUnavailableError,
  type AuthorizeRequest,
  type AuthorizeResponse,
  type IdentityClientOptions,
} from '@stowage/identity-client';
import { deferred, sleep, waitFor } from '@stowage/testing';
import { startFakeAuthToken, type FakeAuthToken } from './support/fake-auth-token';

const ANSWER: AuthorizeResponse = {
  principal: {
    kind: 'user',
    user_id: 1,
    username: 'root',
    admin: true,
    credential: 'personal_access_token:3',
  },
  project: { id: 12, full_path: 'g/p', visibility: 'private', access_level: 40 },
  group: null,
  granted: ['read_package'],
};

const JOB_PRINCIPAL = {
  kind: 'job_token',
  user_id: 2,
  username: 'ci',
  project_id: 12,
  credential: 'job_token:9',
} as const;

const REQUEST: AuthorizeRequest = {
  credentials: { kind: 'private_token', token: 'glpat-secret' },
  client_ip: '127.0.0.1',
  project: 'g/p',
  abilities: ['read_package', 'create_package'],
};

let authToken: FakeAuthToken;

beforeEach(async () => {
  authToken = await startFakeAuthToken();
  authToken.reply = () => ({ status: 200, body: ANSWER });
});

afterEach(async () => {
  await authToken.close();
});

const clientFor = (options: Partial<IdentityClientOptions> = {}) =>
  createIdentityClient({ authTokenUrl: authToken.url, ...options });

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('createIdentityClient', () => {
  describe('calling auth-token', () => {
    it('when authorizing, then it POSTs the request as JSON with the internal secret and returns the answer', async () => {
      const client = clientFor({ internalSecret: 's3cret' });

      const answer = await client.authorize(REQUEST);

      expect(answer).toEqual(ANSWER);
      expect(authToken.calls).toHaveLength(1);
      const [call] = authToken.calls;
      expect(call).toMatchObject({ method: 'POST', path: '/internal/v1/authorize', body: REQUEST });
      expect(call!.headers['x-stowage-internal-secret']).toBe('s3cret');
      expect(call!.headers['content-type']).toBe('application/json');
    });

    it('when no secret is configured and the URL has a path, then no secret header is sent and the path is kept', async () => {
      const client = createIdentityClient({ authTokenUrl: `${authToken.url}/` });

      await client.authorize(REQUEST);

      expect(authToken.calls[0]!.path).toBe('/internal/v1/authorize');
      expect(authToken.calls[0]!.headers).not.toHaveProperty('x-stowage-internal-secret');
    });

    it('when a group is asked about, then the answer carries the group with its visibility and the granted group abilities', async () => {
      const groupAnswer: AuthorizeResponse = {
        ...ANSWER,
        project: null,
        group: { id: 4, full_path: 'g', visibility: 'public' },
        granted: ['read_dependency_proxy', 'admin_dependency_proxy'],
      };
      authToken.reply = () => ({ status: 200, body: groupAnswer });

      const answer = await clientFor().authorize({
        credentials: null,
        group: 'g',
        abilities: ['read_dependency_proxy', 'admin_dependency_proxy'],
      });

      expect(answer).toEqual(groupAnswer);
    });

    it('when the answer carries members we do not know, then they are dropped', async () => {
      authToken.reply = () => ({
        status: 200,
        body: { ...ANSWER, extra: true, principal: { kind: 'anonymous', x: 1 } },
      });

      const answer = await clientFor().authorize(REQUEST);

      expect(answer).toEqual({ ...ANSWER, principal: { kind: 'anonymous' } });
    });

    it('when a job token has a pipeline, then the principal carries it', async () => {
      const pipeline = { id: 3_000_000_000, ref: 'main', sha: 'a'.repeat(40) };
      authToken.reply = () => ({
        status: 200,
        body: { ...ANSWER, principal: { ...JOB_PRINCIPAL, pipeline } },
      });

      const answer = await clientFor().authorize(REQUEST);

      expect(answer.principal).toEqual({ ...JOB_PRINCIPAL, pipeline });
    });

    it('when an older auth-token leaves out the role and the pipeline, then they read as 0 and null', async () => {
      authToken.reply = () => ({
        status: 200,
        body: {
          ...ANSWER,
          principal: JOB_PRINCIPAL,
          project: { id: 12, full_path: 'g/p', visibility: 'private' },
        },
      });

      const answer = await clientFor().authorize(REQUEST);

      expect(answer).toEqual({
        ...ANSWER,
        principal: { ...JOB_PRINCIPAL, pipeline: null },
        project: { id: 12, full_path: 'g/p', visibility: 'private', access_level: 0 },
      });
    });

    it('when the URL is not http(s), then creating the client throws', () => {
      expect(() => createIdentityClient({ authTokenUrl: 'file:///tmp/x' })).toThrow(TypeError);
    });
  });

  describe('errors', () => {
    it('when auth-token answers 401, then it rejects with IdentityUnauthorizedError and caches nothing', async () => {
      authToken.reply = () => ({ status: 401, body: { message: '401 Unauthorized' } });
      const client = clientFor();

      expect(await rejectionOf(client.authorize(REQUEST))).toBeInstanceOf(IdentityUnauthorizedError);
      expect(await rejectionOf(client.authorize(REQUEST))).toBeInstanceOf(IdentityUnauthorizedError);

      expect(authToken.calls).toHaveLength(2);
    });

    it('when auth-token answers 429, then it rejects with IdentityThrottledError carrying Retry-After', async () => {
      authToken.reply = () => ({
        status: 429,
        body: { message: '429 Too Many Requests' },
        headers: { 'retry-after': '30' },
      });
      const client = clientFor();

      const error = await rejectionOf(client.authorize(REQUEST));

      expect(error).toBeInstanceOf(IdentityThrottledError);
      expect((error as IdentityThrottledError).retryAfterSeconds).toBe(30);
      await rejectionOf(client.authorize(REQUEST));
      expect(authToken.calls).toHaveLength(2);
    });

    it('when a 429 has no Retry-After, then retryAfterSeconds is undefined', async () => {
      authToken.reply = () => ({ status: 429 });

      const error = await rejectionOf(clientFor().authorize(REQUEST));

      expect((error as IdentityThrottledError).retryAfterSeconds).toBeUndefined();
    });

    it.each([500, 503, 403, 400])(
      'when auth-token answers %i, then it rejects with IdentityUnavailableError and caches nothing',
      async (status) => {
        authToken.reply = () => ({ status, body: { message: 'no' } });
        const client = clientFor();

        const error = await rejectionOf(client.authorize(REQUEST));

        expect(error).toBeInstanceOf(IdentityUnavailableError);
        expect((error as IdentityUnavailableError).status).toBe(status);
        authToken.reply = () => ({ status: 200, body: ANSWER });
        await expect(client.authorize(REQUEST)).resolves.toEqual(ANSWER);
        expect(authToken.calls).toHaveLength(2);
      },
    );

    it('when auth-token does not answer in time, then it rejects with IdentityUnavailableError', async () => {
      const never = deferred();
      authToken.reply = () => ({ status: 200, body: ANSWER, gate: never.promise });

      const error = await rejectionOf(clientFor({ timeoutMs: 100 }).authorize(REQUEST));

      expect(error).toBeInstanceOf(IdentityUnavailableError);
      never.resolve();
    });

    it('when auth-token is not listening, then it rejects with IdentityUnavailableError', async () => {
      const client = clientFor();
      await authToken.close();

      const error = await rejectionOf(client.authorize(REQUEST));

      expect(error).toBeInstanceOf(IdentityUnavailableError);
      expect((error as IdentityUnavailableError).status).toBeUndefined();
    });

    it.each([
      ['not JSON', 'oops'],
      ['no principal', { project: null, group: null, granted: [] }],
      ['an unknown principal kind', { ...ANSWER, principal: { kind: 'robot' } }],
      ['granted that is not a list of strings', { ...ANSWER, granted: [1] }],
      ['a project without an id', { ...ANSWER, project: { full_path: 'g/p', visibility: 'private' } }],
      ['a group without its visibility', { ...ANSWER, group: { id: 4, full_path: 'g' } }],
      ['a role that is no GitLab level', { ...ANSWER, project: { ...ANSWER.project, access_level: 35 } }],
      ['a role as text', { ...ANSWER, project: { ...ANSWER.project, access_level: '40' } }],
      ['a pipeline without an id', { ...ANSWER, principal: { ...JOB_PRINCIPAL, pipeline: { ref: 'main' } } }],
      [
        'a pipeline sha that is a number',
        { ...ANSWER, principal: { ...JOB_PRINCIPAL, pipeline: { id: 1, sha: 7 } } },
      ],
    ])('when the answer has %s, then it rejects with IdentityUnavailableError', async (_case, body) => {
      authToken.reply = () => ({ status: 200, body });

      expect(await rejectionOf(clientFor().authorize(REQUEST))).toBeInstanceOf(IdentityUnavailableError);
    });
  });

  describe('caching', () => {
    it('when the same request comes again within the TTL, then auth-token is asked once', async () => {
      const client = clientFor();

      await client.authorize(REQUEST);
      await client.authorize({
        ...REQUEST,
        abilities: ['create_package', 'read_package'],
        client_ip: '10.0.0.1',
      });

      expect(authToken.calls).toHaveLength(1);
    });

    it.each<[string, Partial<AuthorizeRequest>]>([
      ['other credentials', { credentials: { kind: 'private_token', token: 'glpat-other' } }],
      ['another credential kind', { credentials: { kind: 'job_token', token: 'glpat-secret' } }],
      ['no credentials', { credentials: null }],
      ['another project', { project: 'g/q' }],
      ['a group', { group: 'g' }],
      ['other abilities', { abilities: ['read_package'] }],
    ])('when the request differs by %s, then auth-token is asked again', async (_case, change) => {
      const client = clientFor();

      await client.authorize(REQUEST);
      await client.authorize({ ...REQUEST, ...change });

      expect(authToken.calls).toHaveLength(2);
    });

    it('when the TTL has passed, then auth-token is asked again', async () => {
      const client = clientFor({ cacheTtlMs: 50 });
      await client.authorize(REQUEST);

      await sleep(80);
      await client.authorize(REQUEST);

      expect(authToken.calls).toHaveLength(2);
    });

    it('when the cache TTL is 0, then every call reaches auth-token', async () => {
      const client = clientFor({ cacheTtlMs: 0 });

      await client.authorize(REQUEST);
      await client.authorize(REQUEST);

      expect(authToken.calls).toHaveLength(2);
    });

    it('when more than maxEntries answers are cached, then the oldest is dropped', async () => {
      const client = clientFor({ maxEntries: 2 });
      const forProject = (project: string) => ({ ...REQUEST, project });

      await client.authorize(forProject('a/1'));
      await client.authorize(forProject('a/2'));
      await client.authorize(forProject('a/3'));
      await client.authorize(forProject('a/3'));
      await client.authorize(forProject('a/2'));
      expect(authToken.calls).toHaveLength(3);

      await client.authorize(forProject('a/1'));

      expect(authToken.calls).toHaveLength(4);
    });

    it('when identical requests arrive together, then they share one call', async () => {
      const release = deferred();
      authToken.reply = () => ({ status: 200, body: ANSWER, gate: release.promise });
      const client = clientFor();

      const answers = Promise.all([
        client.authorize(REQUEST),
        client.authorize(REQUEST),
        client.authorize(REQUEST),
      ]);
      await waitFor('the call', () => authToken.calls.length === 1);
      release.resolve();

      expect(await answers).toEqual([ANSWER, ANSWER, ANSWER]);
      expect(authToken.calls).toHaveLength(1);
    });

    it('when the cache is cleared while a call is in flight, then its answer is not cached', async () => {
      const release = deferred();
      authToken.reply = () => ({ status: 200, body: ANSWER, gate: release.promise });
      const client = clientFor();
      const first = client.authorize(REQUEST);
      await waitFor('the call', () => authToken.calls.length === 1);

      client.clearCache();
      release.resolve();
      await first;
      authToken.reply = () => ({ status: 200, body: ANSWER });
      await client.authorize(REQUEST);

      expect(authToken.calls).toHaveLength(2);
    });

    it('when a cached answer is returned, then callers cannot change it for others', async () => {
      const client = clientFor();
      const answer = await client.authorize(REQUEST);

      expect(() => (answer.granted as string[]).push('destroy_package')).toThrow(TypeError);
      expect((await client.authorize(REQUEST)).granted).toEqual(['read_package']);
    });
  });

  describe('invalidation by identity events', () => {
    let bus: InProcessEventBus;

    beforeEach(() => {
      bus = new InProcessEventBus();
    });

    afterEach(async () => {
      await bus.close();
    });

    it('when an identity event is published, then every replica drops its cache', async () => {
      const replicas = [clientFor(), clientFor()];
      for (const replica of replicas) {
        await replica.invalidateOnIdentityEvents(bus, 'package-registry');
        await replica.authorize(REQUEST);
        await replica.authorize(REQUEST);
      }
      expect(authToken.calls).toHaveLength(2);

      await bus.publish(
        newEvent('identity.membership.changed', 'auth-token', { user_id: 1, project_id: 12 }),
      );

      await waitFor('both replicas to ask again', async () => {
        for (const replica of replicas) await replica.authorize(REQUEST);
        return authToken.calls.length === 4;
      });
      await sleep(50);
      for (const replica of replicas) await replica.authorize(REQUEST);
      expect(authToken.calls).toHaveLength(4);
    });

    it.each([
      ['identity.project.updated', { project_id: 12, full_path: 'g/p' }],
      ['identity.settings.updated', {}],
      ['identity.token.revoked', { credential: 'job_token:9', revoked_at: '2026-01-01T00:00:00Z' }],
      ['identity.user.blocked', { user_id: 1, blocked_at: '2026-01-01T00:00:00Z' }],
      ['identity.group.updated', { namespace_id: 4, full_path: 'g' }],
    ])('when %s is published, then the cache is dropped', async (type, payload) => {
      const client = clientFor();
      await client.invalidateOnIdentityEvents(bus, 'package-registry');
      await client.authorize(REQUEST);

      await bus.publish(newEvent(type, 'auth-token', payload));

      await waitFor('the client to ask again', async () => {
        await client.authorize(REQUEST);
        return authToken.calls.length === 2;
      });
    });

    it('when a non-identity event is published, then the cache is kept', async () => {
      const client = clientFor();
      await client.invalidateOnIdentityEvents(bus, 'package-registry');
      await client.authorize(REQUEST);
      const seen = deferred();
      await bus.subscribeEveryReplica('probe', ['package.published'], async () => seen.resolve());

      await bus.publish(newEvent('package.published', 'package-registry', {}));
      await seen.promise;
      await sleep(20);
      await client.authorize(REQUEST);

      expect(authToken.calls).toHaveLength(1);
    });

    it('when the subscription is closed, then events no longer clear the cache', async () => {
      const client = clientFor();
      const subscription = await client.invalidateOnIdentityEvents(bus, 'package-registry');
      await client.authorize(REQUEST);
      await subscription.close();
      const seen = deferred();
      await bus.subscribeEveryReplica('probe', ['identity.#'], async () => seen.resolve());

      await bus.publish(
        newEvent('identity.user.blocked', 'auth-token', { user_id: 1, blocked_at: new Date().toISOString() }),
      );
      await seen.promise;
      await sleep(20);
      await client.authorize(REQUEST);

      expect(authToken.calls).toHaveLength(1);
    });
  });
});
