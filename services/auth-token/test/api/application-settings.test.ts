import request from 'supertest';
import { openIdentityApp, type IdentityApp } from '../support/identity-app';
import { eventPayloads, signedIn } from './support/api-helpers';

describe('application settings API', () => {
  let identity: IdentityApp;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  beforeAll(async () => {
    identity = await openIdentityApp();
    admin = await signedIn(identity.prisma, { admin: true });
  });
  afterAll(() => identity.close());

  const SETTINGS = '/api/v4/application/settings';

  it('when an admin reads the settings, then the defaults are shown', async () => {
    const res = await request(identity.app).get(SETTINGS).set(admin.headers).expect(200);
    expect(res.body).toEqual({
      id: 1,
      package_registry_allow_anyone_to_pull_option: true,
      container_registry_expiration_policies_worker_capacity: 4,
      container_registry_delete_tags_service_timeout: 250,
      container_registry_cleanup_tags_service_max_list_size: 200,
      container_registry_token_expire_delay: 5,
      updated_at: expect.any(String),
    });
  });

  it('when an admin changes a setting, then it is stored and announced', async () => {
    const res = await request(identity.app)
      .put(SETTINGS)
      .set(admin.headers)
      .type('form')
      .send('package_registry_allow_anyone_to_pull_option=false')
      .expect(200);
    expect(res.body.package_registry_allow_anyone_to_pull_option).toBe(false);
    const row = await identity.prisma.applicationSetting.findUniqueOrThrow({ where: { id: 1 } });
    expect(row.packageRegistryAllowAnyoneToPullOption).toBe(false);
    expect(await eventPayloads(identity.prisma, 'identity.settings.updated')).toEqual([{}]);

    await request(identity.app)
      .put(SETTINGS)
      .set(admin.headers)
      .send({ package_registry_allow_anyone_to_pull_option: true })
      .expect(200);
    const read = await request(identity.app).get(SETTINGS).set(admin.headers).expect(200);
    expect(read.body.package_registry_allow_anyone_to_pull_option).toBe(true);
  });

  it('when the value is not a boolean or nothing is given, then 400 and nothing changes', async () => {
    const events = (await eventPayloads(identity.prisma, 'identity.settings.updated')).length;
    const wrong = await request(identity.app)
      .put(SETTINGS)
      .set(admin.headers)
      .send({ package_registry_allow_anyone_to_pull_option: 'maybe' })
      .expect(400);
    expect(wrong.body).toEqual({ error: 'package_registry_allow_anyone_to_pull_option is invalid' });
    const empty = await request(identity.app).put(SETTINGS).set(admin.headers).send({}).expect(400);
    expect(empty.body.error).toMatch(/at least one parameter must be provided/);
    expect((await eventPayloads(identity.prisma, 'identity.settings.updated')).length).toBe(events);
  });

  it('when the caller is not an admin, then 403; when anonymous, then 401', async () => {
    const someone = await signedIn(identity.prisma);
    await request(identity.app).get(SETTINGS).set(someone.headers).expect(403);
    await request(identity.app)
      .put(SETTINGS)
      .set(someone.headers)
      .send({ package_registry_allow_anyone_to_pull_option: false })
      .expect(403);
    await request(identity.app).get(SETTINGS).expect(401);
    const row = await identity.prisma.applicationSetting.findUniqueOrThrow({ where: { id: 1 } });
    expect(row.packageRegistryAllowAnyoneToPullOption).toBe(true);
  });
});
