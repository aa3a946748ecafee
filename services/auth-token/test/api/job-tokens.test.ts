import request from 'supertest';
import type { Namespace, Project } from '../../src/generated/prisma/client';
import { ACCESS_LEVEL } from '../../src/domain/access-level';
import { authenticate } from '../../src/domain/authenticate';
import { openIdentityApp, type IdentityApp } from '../support/identity-app';
import {
  addMember,
  createGroup,
  createJobToken,
  createProject,
  createUser,
} from '../support/identity-fixtures';
import { eventPayloads, rowText, signedIn } from './support/api-helpers';

describe('job tokens API', () => {
  let identity: IdentityApp;
  let group: Namespace;
  let project: Project;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  let maintainer: Awaited<ReturnType<typeof signedIn>>;
  let developer: Awaited<ReturnType<typeof signedIn>>;
  let reporter: Awaited<ReturnType<typeof signedIn>>;
  beforeAll(async () => {
    identity = await openIdentityApp();
    const { prisma } = identity;
    admin = await signedIn(prisma, { admin: true });
    maintainer = await signedIn(prisma);
    developer = await signedIn(prisma);
    reporter = await signedIn(prisma);
    group = await createGroup(prisma);
    project = await createProject(prisma, { namespace: group });
    await addMember(prisma, maintainer.user, { project }, ACCESS_LEVEL.maintainer);
    await addMember(prisma, developer.user, { project }, ACCESS_LEVEL.developer);
    await addMember(prisma, reporter.user, { project }, ACCESS_LEVEL.reporter);
  });
  afterAll(() => identity.close());

  const jobTokens = (ref: string | number = project.id) =>
    `/api/v4/projects/${encodeURIComponent(String(ref))}/job_tokens`;
  const revokedEventsFor = async (id: number) =>
    (await eventPayloads(identity.prisma, 'identity.token.revoked')).filter(
      (payload) => (payload as { credential: string }).credential === `job_token:${id}`,
    );

  describe('issuing', () => {
    it('when a Developer starts a job, then a running token for them is shown once and works as them', async () => {
      const before = Date.now();
      const res = await request(identity.app)
        .post(jobTokens(project.fullPath))
        .set(developer.headers)
        .send({ job_id: 'build-42' })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        token: expect.stringMatching(/^glcbt-/),
        project_id: project.id,
        user_id: developer.user.id,
        job_id: 'build-42',
        pipeline_id: null,
        ref: null,
        sha: null,
        expires_at: expect.any(String),
        status: 'running',
      });
      const lifetime = Date.parse(res.body.expires_at) - before;
      expect(lifetime).toBeGreaterThanOrEqual(3600_000 - 1000);
      expect(lifetime).toBeLessThanOrEqual(3600_000 + 5000);
      const stored = await rowText(identity.prisma, 'job_tokens', res.body.id);
      expect(stored).not.toContain(res.body.token);
      expect(stored).not.toContain(res.body.token.slice('glcbt-'.length));
      await expect(
        authenticate(identity.prisma, {
          kind: 'basic',
          username: 'gitlab-ci-token',
          password: res.body.token,
        }),
      ).resolves.toMatchObject({ kind: 'job_token', user: { id: developer.user.id } });
    });

    it('when the job names its pipeline, then the token keeps it', async () => {
      const sha = 'AB'.repeat(20);
      const res = await request(identity.app)
        .post(jobTokens())
        .set(developer.headers)
        .type('form')
        .send(`job_id=7&pipeline_id=3000000000&ref=main&sha=${sha}`)
        .expect(201);
      expect(res.body).toMatchObject({ pipeline_id: 3_000_000_000, ref: 'main', sha: sha.toLowerCase() });
      const shown = await request(identity.app)
        .get(`${jobTokens()}/${res.body.id}`)
        .set(developer.headers)
        .expect(200);
      expect(shown.body).toMatchObject({ pipeline_id: 3_000_000_000, ref: 'main', sha: sha.toLowerCase() });
      const onlyId = await request(identity.app)
        .post(jobTokens())
        .set(developer.headers)
        .send({ pipeline_id: 12 })
        .expect(201);
      expect(onlyId.body).toMatchObject({ pipeline_id: 12, ref: null, sha: null });
    });

    it('when the pipeline fields are malformed, then 400 names them and nothing is stored', async () => {
      const before = await identity.prisma.jobToken.count();
      const cases: [object, string][] = [
        [{ pipeline_id: 0 }, 'pipeline_id is invalid'],
        [{ pipeline_id: 'x' }, 'pipeline_id is invalid'],
        [{ pipeline_id: 1, sha: 'abc' }, 'sha is invalid'],
        [{ pipeline_id: 1, sha: 'g'.repeat(40) }, 'sha is invalid'],
        [{ pipeline_id: 1, ref: '' }, 'ref is invalid'],
        [{ pipeline_id: 1, ref: 'r'.repeat(1025) }, 'ref is invalid'],
        [{ ref: 'main' }, 'pipeline_id is missing'],
      ];
      for (const [body, error] of cases) {
        const res = await request(identity.app).post(jobTokens()).set(developer.headers).send(body);
        expect({ body, status: res.status, answer: res.body }).toEqual({
          body,
          status: 400,
          answer: { error },
        });
      }
      expect(await identity.prisma.jobToken.count()).toBe(before);
    });

    it('when expires_in is given, then it must lie between 1 and 86400 seconds', async () => {
      const longest = await request(identity.app)
        .post(jobTokens())
        .set(developer.headers)
        .type('form')
        .send('expires_in=86400')
        .expect(201);
      expect(Date.parse(longest.body.expires_at) - Date.now()).toBeGreaterThan(86_000_000);
      for (const expires_in of [0, 86_401]) {
        const res = await request(identity.app)
          .post(jobTokens())
          .set(developer.headers)
          .send({ expires_in })
          .expect(400);
        expect(res.body).toEqual({ error: 'expires_in does not have a valid value' });
      }
      const text = await request(identity.app)
        .post(jobTokens())
        .set(developer.headers)
        .send({ expires_in: 'soon' })
        .expect(400);
      expect(text.body).toEqual({ error: 'expires_in is invalid' });
    });

    it('when a Reporter, a stranger or nobody asks, then 403, 404 or 401 and nothing is stored', async () => {
      const before = await identity.prisma.jobToken.count();
      await request(identity.app).post(jobTokens()).set(reporter.headers).send({}).expect(403);
      const stranger = await signedIn(identity.prisma);
      const hidden = await request(identity.app).post(jobTokens()).set(stranger.headers).send({}).expect(404);
      expect(hidden.body).toEqual({ message: '404 Project Not Found' });
      await request(identity.app).post(jobTokens()).send({}).expect(401);
      expect(await identity.prisma.jobToken.count()).toBe(before);
    });

    it('when a non-admin names another user, then 403; an admin may, for an existing active user', async () => {
      await request(identity.app)
        .post(jobTokens())
        .set(maintainer.headers)
        .send({ user_id: developer.user.id })
        .expect(403);
      const res = await request(identity.app)
        .post(jobTokens())
        .set(admin.headers)
        .send({ user_id: developer.user.id })
        .expect(201);
      expect(res.body.user_id).toBe(developer.user.id);
      const missing = await request(identity.app)
        .post(jobTokens())
        .set(admin.headers)
        .send({ user_id: 999_999 })
        .expect(404);
      expect(missing.body).toEqual({ message: '404 User Not Found' });
      const blocked = await createUser(identity.prisma, { state: 'blocked' });
      const refused = await request(identity.app)
        .post(jobTokens())
        .set(admin.headers)
        .send({ user_id: blocked.id })
        .expect(400);
      expect(refused.body).toEqual({ message: { user_id: ['is blocked'] } });
    });
  });

  describe('finishing', () => {
    it('when the job finishes, then the token stops working and the revocation is announced once', async () => {
      const job = await createJobToken(identity.prisma, project, developer.user);
      await request(identity.app).delete(`${jobTokens()}/${job.id}`).set(developer.headers).expect(204);
      await expect(
        authenticate(identity.prisma, { kind: 'job_token', token: job.token }),
      ).resolves.toBeNull();
      expect(await revokedEventsFor(job.id)).toEqual([
        { credential: `job_token:${job.id}`, user_id: developer.user.id, revoked_at: expect.any(String) },
      ]);
      const shown = await request(identity.app)
        .get(`${jobTokens()}/${job.id}`)
        .set(developer.headers)
        .expect(200);
      expect(shown.body).toMatchObject({ id: job.id, status: 'finished' });
      expect(shown.body).not.toHaveProperty('token');

      await request(identity.app).delete(`${jobTokens()}/${job.id}`).set(developer.headers).expect(204);
      expect(await revokedEventsFor(job.id)).toHaveLength(1);
    });

    it("when someone else's job token is touched, then a Developer gets 403 and a Maintainer may", async () => {
      const job = await createJobToken(identity.prisma, project, developer.user);
      const colleague = await signedIn(identity.prisma);
      await addMember(identity.prisma, colleague.user, { project }, ACCESS_LEVEL.developer);
      await request(identity.app).get(`${jobTokens()}/${job.id}`).set(colleague.headers).expect(403);
      await request(identity.app).delete(`${jobTokens()}/${job.id}`).set(colleague.headers).expect(403);
      await expect(
        authenticate(identity.prisma, { kind: 'job_token', token: job.token }),
      ).resolves.not.toBeNull();
      await request(identity.app).delete(`${jobTokens()}/${job.id}`).set(maintainer.headers).expect(204);
      await expect(
        authenticate(identity.prisma, { kind: 'job_token', token: job.token }),
      ).resolves.toBeNull();
    });

    it('when the token belongs to another project, then 404', async () => {
      const other = await createProject(identity.prisma, { namespace: group });
      const job = await createJobToken(identity.prisma, other, admin.user);
      const res = await request(identity.app).get(`${jobTokens()}/${job.id}`).set(admin.headers).expect(404);
      expect(res.body).toEqual({ message: '404 Job Token Not Found' });
    });
  });

  describe('job token scope', () => {
    const scope = (ref: number = project.id) => `/api/v4/projects/${ref}/job_token_scope`;

    it('when a Maintainer reads and switches the scope, then it follows', async () => {
      const scoped = await createProject(identity.prisma, { namespace: group });
      await addMember(identity.prisma, maintainer.user, { project: scoped }, ACCESS_LEVEL.maintainer);
      const initial = await request(identity.app).get(scope(scoped.id)).set(maintainer.headers).expect(200);
      expect(initial.body).toEqual({ inbound_enabled: true, outbound_enabled: false });
      await request(identity.app)
        .patch(scope(scoped.id))
        .set(maintainer.headers)
        .send({ enabled: false })
        .expect(204);
      const after = await request(identity.app).get(scope(scoped.id)).set(maintainer.headers).expect(200);
      expect(after.body.inbound_enabled).toBe(false);
      expect(await eventPayloads(identity.prisma, 'identity.project.updated')).toContainEqual({
        project_id: scoped.id,
        full_path: scoped.fullPath,
      });
    });

    it('when the scope body is wrong, or the caller is below Maintainer, then 400 or 403', async () => {
      const missing = await request(identity.app).patch(scope()).set(maintainer.headers).send({}).expect(400);
      expect(missing.body).toEqual({ error: 'enabled is missing' });
      const wrong = await request(identity.app)
        .patch(scope())
        .set(maintainer.headers)
        .send({ enabled: 'maybe' });
      expect(wrong.body).toEqual({ error: 'enabled is invalid' });
      await request(identity.app).get(scope()).set(developer.headers).expect(403);
      await request(identity.app).patch(scope()).set(developer.headers).send({ enabled: false }).expect(403);
      const stranger = await signedIn(identity.prisma);
      await request(identity.app).get(scope()).set(stranger.headers).expect(404);
    });

    it('when a project is added to the allowlist, then its link is stored the right way round and listed', async () => {
      const guarded = await createProject(identity.prisma, { namespace: group });
      const admitted = await createProject(identity.prisma, { namespace: group });
      await addMember(identity.prisma, maintainer.user, { project: guarded }, ACCESS_LEVEL.maintainer);
      await addMember(identity.prisma, maintainer.user, { project: admitted }, ACCESS_LEVEL.reporter);
      const allowlist = `${scope(guarded.id)}/allowlist`;

      const res = await request(identity.app)
        .post(allowlist)
        .set(maintainer.headers)
        .send({ target_project_id: admitted.id })
        .expect(201);
      expect(res.body).toEqual({ source_project_id: guarded.id, target_project_id: admitted.id });
      const link = await identity.prisma.jobTokenScopeLink.findMany({
        where: { targetProjectId: guarded.id },
      });
      expect(link).toEqual([
        expect.objectContaining({ targetProjectId: guarded.id, sourceProjectId: admitted.id }),
      ]);

      const listed = await request(identity.app).get(allowlist).set(maintainer.headers).expect(200);
      expect(listed.body).toEqual([
        expect.objectContaining({ id: guarded.id, path_with_namespace: guarded.fullPath }),
        expect.objectContaining({ id: admitted.id, name: admitted.name, path: admitted.path }),
      ]);
      expect(listed.headers['x-total']).toBe('2');

      const again = await request(identity.app)
        .post(allowlist)
        .set(maintainer.headers)
        .send({ target_project_id: admitted.id })
        .expect(400);
      expect(again.body).toEqual({
        message: '400 Bad request - Target project is already in the job token scope',
      });

      await request(identity.app).delete(`${allowlist}/${admitted.id}`).set(maintainer.headers).expect(204);
      expect(await identity.prisma.jobTokenScopeLink.count({ where: { targetProjectId: guarded.id } })).toBe(
        0,
      );
      const gone = await request(identity.app)
        .delete(`${allowlist}/${admitted.id}`)
        .set(maintainer.headers)
        .expect(400);
      expect(gone.body).toEqual({
        message: '400 Bad request - Target project is not in the job token scope',
      });
    });

    it('when the project to add is hidden or missing, then 404; when the id is missing, then 400', async () => {
      const hidden = await createProject(identity.prisma, { namespace: await createGroup(identity.prisma) });
      const allowlist = `${scope()}/allowlist`;
      const res = await request(identity.app)
        .post(allowlist)
        .set(maintainer.headers)
        .send({ target_project_id: hidden.id })
        .expect(404);
      expect(res.body).toEqual({ message: '404 Target Project Not Found' });
      await request(identity.app)
        .post(allowlist)
        .set(maintainer.headers)
        .send({ target_project_id: 999_999 })
        .expect(404);
      const missing = await request(identity.app)
        .post(allowlist)
        .set(maintainer.headers)
        .send({})
        .expect(400);
      expect(missing.body).toEqual({ error: 'target_project_id is missing' });
      expect(await identity.prisma.jobTokenScopeLink.count({ where: { sourceProjectId: hidden.id } })).toBe(
        0,
      );
      await request(identity.app)
        .post(allowlist)
        .set(developer.headers)
        .send({ target_project_id: project.id })
        .expect(403);
    });
  });
});
