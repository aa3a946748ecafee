import request from 'supertest';
import { listenInternalApi, type InternalApiFixture } from '../../../registry/test/support/internal-api-app';
import { registryCleanupPolicyClient } from '../../src/adapters/registry-cleanup-policy-client';
import { ACCESS_LEVEL } from '../../src/domain/access-level';
import type { Project } from '../../src/generated/prisma/client';
import { openIdentityApp, type IdentityApp } from '../support/identity-app';
import { addMember, createGroup, createProject } from '../support/identity-fixtures';
import { signedIn, uniquePath, type SignedIn } from './api-test-helpers';

const SECRET = 'internal-secret-shared-by-auth-token-and-registry';
const DAY = 86_400_000;

/**
 * `container_expiration_policy_attributes` on `PUT /projects/:id` and `container_expiration_policy`
 * on the project, with auth-token forwarding to a registry serving its real internal API.
 */
describe('projects: container_expiration_policy', () => {
  let registry: InternalApiFixture & { url: string };
  let identity: IdentityApp;
  let maintainer: SignedIn;
  let developer: SignedIn;

  beforeAll(async () => {
    registry = await listenInternalApi({ internalApiSecret: SECRET });
    identity = await openIdentityApp({
      cleanupPolicies: registryCleanupPolicyClient({
        registryUrl: () => registry.url,
        internalSecret: SECRET,
      }),
    });
    maintainer = await signedIn(identity.prisma);
    developer = await signedIn(identity.prisma);
  });

  afterAll(async () => {
    await identity?.close();
    await registry?.close();
  });

  async function newProject(): Promise<Project> {
    const group = await createGroup(identity.prisma, { path: uniquePath('policies') });
    const project = await createProject(identity.prisma, { namespace: group, path: 'app' });
    await addMember(identity.prisma, maintainer.user, { project }, ACCESS_LEVEL.maintainer);
    await addMember(identity.prisma, developer.user, { project }, ACCESS_LEVEL.developer);
    return project;
  }

  const update = (project: Project, who: SignedIn, body: object) =>
    request(identity.app).put(`/api/v4/projects/${project.id}`).set(who.auth).send(body);
  const show = (project: Project) =>
    request(identity.app).get(`/api/v4/projects/${project.id}`).set(maintainer.auth);
  const stored = (project: Project) =>
    registry.prisma.containerExpirationPolicy.findUnique({ where: { projectId: project.id } });

  it('when a project has no saved policy, then it shows GitLab defaults, disabled', async () => {
    const res = await show(await newProject());
    expect(res.body.container_expiration_policy).toEqual({
      cadence: '1d',
      enabled: false,
      keep_n: 10,
      older_than: '90d',
      name_regex: null,
      name_regex_delete: null,
      name_regex_keep: null,
      next_run_at: null,
    });
  });

  it('when a maintainer sets the attributes, then the policy is saved with next_run_at = now + cadence and read back on the project', async () => {
    const project = await newProject();
    const before = Date.now();
    const res = await update(project, maintainer, {
      description: 'with a policy',
      container_expiration_policy_attributes: {
        enabled: true,
        cadence: '14d',
        keep_n: 5,
        older_than: '30d',
        name_regex: 'v.*',
        name_regex_keep: 'stable-.*',
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.description).toBe('with a policy');
    expect(res.body.container_expiration_policy).toEqual({
      cadence: '14d',
      enabled: true,
      keep_n: 5,
      older_than: '30d',
      name_regex: 'v.*',
      name_regex_delete: 'v.*',
      name_regex_keep: 'stable-.*',
      next_run_at: expect.any(String),
    });
    const nextRun = Date.parse(res.body.container_expiration_policy.next_run_at);
    expect(nextRun).toBeGreaterThanOrEqual(before + 14 * DAY);
    expect(nextRun).toBeLessThanOrEqual(Date.now() + 14 * DAY);
    expect((await show(project)).body.container_expiration_policy).toEqual(
      res.body.container_expiration_policy,
    );
  });

  it('when the attributes come as a form (curl --data), then they are read alike', async () => {
    const project = await newProject();
    const res = await update(project, maintainer, {}).type('form').send({
      'container_expiration_policy_attributes[enabled]': 'true',
      'container_expiration_policy_attributes[keep_n]': '25',
      'container_expiration_policy_attributes[cadence]': '7d',
    });
    expect(res.status).toBe(200);
    expect(res.body.container_expiration_policy).toMatchObject({ enabled: true, keep_n: 25, cadence: '7d' });
  });

  it.each([
    [{ cadence: '2d' }, 'container_expiration_policy.cadence'],
    [{ keep_n: 3 }, 'container_expiration_policy.keep_n'],
    [{ older_than: '60d' }, 'container_expiration_policy.older_than'],
    [{ name_regex: '(?=lookahead)' }, 'container_expiration_policy.name_regex'],
    [{ name_regex_delete: 'v(' }, 'container_expiration_policy.name_regex_delete'],
    [{ name_regex_keep: '\\1' }, 'container_expiration_policy.name_regex_keep'],
  ])(
    'when %j is sent with another change, then 400 names %s and neither the project nor the policy changes',
    async (attributes, field) => {
      const project = await newProject();
      const res = await update(project, maintainer, {
        description: 'must not be saved',
        container_expiration_policy_attributes: { enabled: true, ...attributes },
      });
      expect(res.status).toBe(400);
      expect(Object.keys(res.body.message)).toEqual([field]);
      const after = await identity.prisma.project.findUniqueOrThrow({ where: { id: project.id } });
      expect(after.description).toBe(project.description);
      expect(await stored(project)).toBeNull();
    },
  );

  it('when the project change itself is refused, then the policy is not saved either', async () => {
    const project = await newProject();
    const res = await update(project, maintainer, {
      name: '',
      container_expiration_policy_attributes: { enabled: true },
    });
    expect(res.status).toBe(400);
    expect(await stored(project)).toBeNull();
  });

  it('when a developer sends the attributes, then 403 and nothing is saved', async () => {
    const project = await newProject();
    const res = await update(project, developer, {
      container_expiration_policy_attributes: { enabled: true },
    });
    expect([res.status, res.body]).toEqual([403, { message: '403 Forbidden' }]);
    expect(await stored(project)).toBeNull();
  });

  it('when the attributes are not an object, then 400 in Grape words', async () => {
    const res = await update(await newProject(), maintainer, {
      container_expiration_policy_attributes: 'on',
    });
    expect([res.status, res.body]).toEqual([
      400,
      { error: 'container_expiration_policy_attributes is invalid' },
    ]);
  });

  it('when the registry cannot be reached, then the project shows without the policy and a policy change answers 503', async () => {
    const offline = await openIdentityApp({
      cleanupPolicies: registryCleanupPolicyClient({ registryUrl: () => undefined }),
    });
    try {
      const user = await signedIn(offline.prisma);
      const group = await createGroup(offline.prisma, { path: uniquePath('offline') });
      const project = await createProject(offline.prisma, { namespace: group, path: 'app' });
      await addMember(offline.prisma, user.user, { project }, ACCESS_LEVEL.maintainer);
      const shown = await request(offline.app).get(`/api/v4/projects/${project.id}`).set(user.auth);
      expect(shown.status).toBe(200);
      expect(shown.body).not.toHaveProperty('container_expiration_policy');
      const res = await request(offline.app)
        .put(`/api/v4/projects/${project.id}`)
        .set(user.auth)
        .send({ description: 'x', container_expiration_policy_attributes: { enabled: true } });
      expect([res.status, res.body]).toEqual([503, { message: '503 Service Unavailable' }]);
      const after = await offline.prisma.project.findUniqueOrThrow({ where: { id: project.id } });
      expect(after.description).toBe(project.description);
    } finally {
      await offline.close();
    }
  });
});
