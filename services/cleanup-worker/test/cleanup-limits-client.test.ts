import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSilentLogger } from '@stowage/logging';
import { openIdentityApp, type IdentityApp } from '../../auth-token/test/support/identity-app';
import { cleanupLimitsClient, DEFAULT_CLEANUP_LIMITS } from '../src/adapters/cleanup-limits-client';

const SECRET = 'internal-secret-shared-with-auth-token';

/** The worker asking a real auth-token (its routes over HTTP) for the limits an admin set. */
describe('cleanupLimitsClient', () => {
  let identity: IdentityApp;
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    identity = await openIdentityApp({ internalApiSecret: SECRET });
    server = http.createServer(identity.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await identity.close();
  });

  const setLimits = (capacity: number, timeout: number, maxListSize: number) =>
    identity.prisma.applicationSetting.update({
      where: { id: 1 },
      data: {
        containerRegistryExpirationPoliciesWorkerCapacity: capacity,
        containerRegistryDeleteTagsServiceTimeout: timeout,
        containerRegistryCleanupTagsServiceMaxListSize: maxListSize,
      },
    });

  it('when auth-token answers, then the limits are its settings, kept for the cache time', async () => {
    await setLimits(3, 60, 500);
    const client = cleanupLimitsClient({
      authTokenUrl: url,
      internalSecret: SECRET,
      logger: createSilentLogger(),
      cacheMs: 60_000,
    });
    expect(await client.current()).toEqual({
      workerCapacity: 3,
      deleteTagsTimeoutSeconds: 60,
      maxListSize: 500,
    });
    await setLimits(1, 1, 1);
    expect((await client.current()).workerCapacity).toBe(3);
  });

  it('when the cache time is over, then a change an admin made is seen', async () => {
    const client = cleanupLimitsClient({
      authTokenUrl: url,
      internalSecret: SECRET,
      logger: createSilentLogger(),
      cacheMs: 0,
    });
    await setLimits(7, 30, 100);
    expect(await client.current()).toEqual({
      workerCapacity: 7,
      deleteTagsTimeoutSeconds: 30,
      maxListSize: 100,
    });
  });

  it('when the secret is wrong, then GitLab defaults are used', async () => {
    const client = cleanupLimitsClient({
      authTokenUrl: url,
      internalSecret: 'wrong',
      logger: createSilentLogger(),
      cacheMs: 0,
    });
    expect(await client.current()).toEqual(DEFAULT_CLEANUP_LIMITS);
  });

  it('when auth-token goes down after answering, then its last answer stays in use', async () => {
    await setLimits(2, 20, 300);
    const own = http.createServer(identity.app);
    await new Promise<void>((resolve) => own.listen(0, '127.0.0.1', resolve));
    const client = cleanupLimitsClient({
      authTokenUrl: `http://127.0.0.1:${(own.address() as AddressInfo).port}`,
      internalSecret: SECRET,
      logger: createSilentLogger(),
      cacheMs: 0,
      timeoutMs: 1000,
    });
    expect(await client.current()).toEqual({
      workerCapacity: 2,
      deleteTagsTimeoutSeconds: 20,
      maxListSize: 300,
    });
    own.closeAllConnections();
    await new Promise<void>((resolve) => own.close(() => resolve()));
    expect(await client.current()).toEqual({
      workerCapacity: 2,
      deleteTagsTimeoutSeconds: 20,
      maxListSize: 300,
    });
  });
});
