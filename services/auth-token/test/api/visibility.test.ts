import request from 'supertest';
import type { Namespace, Project } from '../../src/generated/prisma/client';
import { canSeeGroup } from '../../src/domain/visibility';
import { openIdentityApp, type IdentityApp } from '../support/identity-app';
import { addMember, createGroup, createProject, createUser } from '../support/identity-fixtures';
import { signedIn, uniquePath, type SignedIn } from './api-test-helpers';

type Caller = 'anonymous' | 'non-member' | 'member' | 'inherited member' | 'admin';
type Visibility = 'public' | 'internal' | 'private';

/** GET /projects/:id by caller and project visibility: 200 seen, 404 hidden. */
const EXPECTED: Record<Caller, Record<Visibility, number>> = {
  anonymous: { public: 200, internal: 404, private: 404 },
  'non-member': { public: 200, internal: 200, private: 404 },
  member: { public: 200, internal: 200, private: 200 },
  'inherited member': { public: 200, internal: 200, private: 200 },
  admin: { public: 200, internal: 200, private: 200 },
};

describe('visibility', () => {
  let identity: IdentityApp;
  const callers = {} as Record<Caller, SignedIn | undefined>;
  const projects = {} as Record<Visibility, Project>;
  let group: Namespace;

  beforeAll(async () => {
    identity = await openIdentityApp();
    const { prisma } = identity;
    group = await createGroup(prisma, { path: uniquePath('matrix'), visibility: 'public' });
    callers.anonymous = undefined;
    callers['non-member'] = await signedIn(prisma);
    callers.member = await signedIn(prisma);
    callers['inherited member'] = await signedIn(prisma);
    callers.admin = await signedIn(prisma, { admin: true });
    await addMember(prisma, callers['inherited member'].user, { group }, 10);
    for (const visibility of ['public', 'internal', 'private'] as const) {
      projects[visibility] = await createProject(prisma, { namespace: group, path: visibility, visibility });
      await addMember(prisma, callers.member.user, { project: projects[visibility] }, 10);
    }
  });
  afterAll(() => identity?.close());

  for (const caller of Object.keys(EXPECTED) as Caller[]) {
    for (const visibility of ['public', 'internal', 'private'] as const) {
      const status = EXPECTED[caller][visibility];
      it(`when ${caller} asks for a ${visibility} project, then ${status}`, async () => {
        const auth = callers[caller]?.auth ?? {};
        for (const id of [
          String(projects[visibility].id),
          encodeURIComponent(projects[visibility].fullPath),
        ]) {
          const res = await request(identity.app).get(`/api/v4/projects/${id}`).set(auth);
          expect(res.status).toBe(status);
          if (status === 404) expect(res.body).toEqual({ message: '404 Project Not Found' });
          else expect(res.body.id).toBe(projects[visibility].id);
        }
      });
    }
  }

  it('when a membership has expired, then it no longer shows a private project', async () => {
    const { prisma, app } = identity;
    const lapsed = await signedIn(prisma);
    const hidden = await createProject(prisma, { namespace: group, visibility: 'private' });
    await addMember(prisma, lapsed.user, { project: hidden }, 40, new Date(Date.UTC(2020, 0, 1)));
    const res = await request(app).get(`/api/v4/projects/${hidden.id}`).set(lapsed.auth);
    expect(res.status).toBe(404);
  });

  it('when a user has a role only on a project inside a private group, then they see the group but not its siblings', async () => {
    const { prisma, app } = identity;
    const { user, auth } = await signedIn(prisma);
    const outer = await createGroup(prisma, { path: uniquePath('outer') });
    const inner = await createGroup(prisma, { path: 'inner', parent: outer });
    const sibling = await createGroup(prisma, { path: 'sibling', parent: outer });
    const project = await createProject(prisma, { namespace: inner, path: 'mine' });
    await createProject(prisma, { namespace: inner, path: 'theirs' });
    await addMember(prisma, user, { project }, 20);

    for (const visible of [outer, inner]) {
      const res = await request(app).get(`/api/v4/groups/${visible.id}`).set(auth);
      expect(res.status).toBe(200);
    }
    expect((await request(app).get(`/api/v4/groups/${sibling.id}`).set(auth)).status).toBe(404);
    const listed = await request(app).get(`/api/v4/groups?search=${outer.path}`).set(auth);
    expect(listed.body.map((g: { id: number }) => g.id)).toEqual([outer.id]);
    const innerProjects = await request(app).get(`/api/v4/groups/${inner.id}/projects`).set(auth);
    expect(innerProjects.body.map((p: { path: string }) => p.path)).toEqual(['mine']);
    expect((await request(app).get(`/api/v4/groups/${outer.id}`)).status).toBe(404);
  });

  it('when groups are internal or private, then signed-in users, members of ancestors and admins see them as the rules say', async () => {
    const { prisma } = identity;
    const stranger = await createUser(prisma);
    const admin = await createUser(prisma, { admin: true });
    const parentMember = await createUser(prisma);
    const internal = await createGroup(prisma, { path: uniquePath('int'), visibility: 'internal' });
    const privateTop = await createGroup(prisma, { path: uniquePath('prv') });
    const privateSub = await createGroup(prisma, { path: 'sub', parent: privateTop });
    await addMember(prisma, parentMember, { group: privateTop }, 10);

    await expect(canSeeGroup(prisma, undefined, internal)).resolves.toBe(false);
    await expect(canSeeGroup(prisma, stranger, internal)).resolves.toBe(true);
    await expect(canSeeGroup(prisma, stranger, privateSub)).resolves.toBe(false);
    await expect(canSeeGroup(prisma, parentMember, privateSub)).resolves.toBe(true);
    await expect(canSeeGroup(prisma, admin, privateSub)).resolves.toBe(true);
  });
});
