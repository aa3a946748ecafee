import request from 'supertest';
import { openIdentityApp, type IdentityApp } from '../support/identity-app';
import { signedIn } from './support/api-helpers';

const SETTINGS = '/api/v4/application/settings';
const CLEANUP_LIMITS = '/internal/v1/settings/container-registry-cleanup';

/** GitLab's container registry cleanup limits and token lifetime, changed at run time by an admin. */
describe('application settings: container registry', () => {
  let identity: IdentityApp;
  let admin: Awaited<ReturnType<typeof signedIn>>;

  beforeAll(async () => {
    identity = await openIdentityApp({ registryTokenTtlSeconds: 300 });
    admin = await signedIn(identity.prisma, { admin: true });
  });
  afterAll(() => identity.close());

  const put = (body: object) => request(identity.app).put(SETTINGS).set(admin.headers).send(body);
  const tokenLifetime = async () =>
    (await request(identity.app).get('/jwt/auth?service=container_registry').expect(200)).body.expires_in;

  it('when an admin changes the cleanup limits, then they are stored and the cleanup-workers read them', async () => {
    const res = await put({
      container_registry_expiration_policies_worker_capacity: 2,
      container_registry_delete_tags_service_timeout: '30',
      container_registry_cleanup_tags_service_max_list_size: 1000,
    }).expect(200);
    expect(res.body).toMatchObject({
      container_registry_expiration_policies_worker_capacity: 2,
      container_registry_delete_tags_service_timeout: 30,
      container_registry_cleanup_tags_service_max_list_size: 1000,
    });
    const limits = await request(identity.app).get(CLEANUP_LIMITS).expect(200);
    expect(limits.body).toEqual({
      container_registry_expiration_policies_worker_capacity: 2,
      container_registry_delete_tags_service_timeout: 30,
      container_registry_cleanup_tags_service_max_list_size: 1000,
    });
  });

  it('when container_registry_token_expire_delay changes, then /jwt/auth issues tokens of that many minutes at once', async () => {
    expect(await tokenLifetime()).toBe(300);
    await put({ container_registry_token_expire_delay: 15 }).expect(200);
    expect(await tokenLifetime()).toBe(900);
    const read = await request(identity.app).get(SETTINGS).set(admin.headers).expect(200);
    expect(read.body.container_registry_token_expire_delay).toBe(15);
  });

  it.each([
    [{ container_registry_expiration_policies_worker_capacity: -1 }],
    [{ container_registry_cleanup_tags_service_max_list_size: 'many' }],
    [{ container_registry_cleanup_tags_service_max_list_size: 0 }],
    [{ container_registry_delete_tags_service_timeout: 1.5 }],
    [{ container_registry_token_expire_delay: 0 }],
    [{ container_registry_token_expire_delay: 61 }],
  ])('when %j is sent, then 400 names it and nothing changes', async (body) => {
    const before = await identity.prisma.applicationSetting.findUniqueOrThrow({ where: { id: 1 } });
    const res = await put(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: `${Object.keys(body)[0]} is invalid` });
    expect(await identity.prisma.applicationSetting.findUniqueOrThrow({ where: { id: 1 } })).toEqual(before);
  });
});
