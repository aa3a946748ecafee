import request from 'supertest';
import { createSilentLogger } from '@stowage/logging';
import { deleteTag, findRepository } from '@stowage/registry-data';
import {
  listenInternalApi,
  tagImage,
  type InternalApiFixture,
} from '../../../registry/test/support/internal-api-app';
import { registryTagsClient } from '../../src/adapters/registry-tags-client';
import { registryRenameGuards } from '../../src/domain/projects/registry-rename-guard';
import type { Namespace, Project } from '../../src/generated/prisma/client';
import { openIdentityApp, type IdentityApp } from '../support/identity-app';
import { createGroup, createProject, createUser } from '../support/identity-fixtures';
import { signedIn, uniquePath } from './api-test-helpers';

const SECRET = 'internal-secret-shared-by-auth-token-and-registry';

/**
 * auth-token's API with the guards wired as startAuthToken wires them, asking a registry that
 * serves its real internal API: while a project's image is tagged, nothing may move it.
 */
describe('renames and transfers while the container registry holds tags', () => {
  let registry: InternalApiFixture & { url: string };
  let identity: IdentityApp;
  let admin: { 'Private-Token': string };

  beforeAll(async () => {
    registry = await listenInternalApi({ internalApiSecret: SECRET });
    const tags = registryTagsClient({ registryUrl: () => registry.url, internalSecret: SECRET });
    identity = await openIdentityApp({ renameGuards: registryRenameGuards(tags, createSilentLogger()) });
    admin = (await signedIn(identity.prisma, { admin: true })).auth;
    // Two PGlite databases start here; on a busy 2-core machine that takes longer than a test.
  }, 120_000);

  afterAll(async () => {
    await identity?.close();
    await registry?.close();
  });

  /** A project at `<top>/<sub>/app` with a tagged image, plus an empty group to move it to. */
  async function taggedProjectInSubgroup(): Promise<{ top: Namespace; project: Project; target: Namespace }> {
    const top = await createGroup(identity.prisma, { path: uniquePath('top') });
    const sub = await createGroup(identity.prisma, { path: 'sub', parent: top });
    const project = await createProject(identity.prisma, { namespace: sub, path: 'app' });
    const target = await createGroup(identity.prisma, { path: uniquePath('target') });
    await tagImage(registry.prisma, project.id, project.fullPath, 'latest');
    return { top, project, target };
  }

  async function untag(project: Project): Promise<void> {
    const repository = await findRepository(registry.prisma, project.fullPath);
    expect(await deleteTag(registry.prisma, repository!, 'latest')).toBe(true);
  }

  const fullPathOf = async (project: Project) =>
    (await identity.prisma.project.findUniqueOrThrow({ where: { id: project.id } })).fullPath;

  it('when the project has tags, then its rename and transfer and its parent group rename are refused; once untagged, all are allowed', async () => {
    const { top, project, target } = await taggedProjectInSubgroup();
    const app = identity.app;

    const rename = await request(app)
      .put(`/api/v4/projects/${project.id}`)
      .set(admin)
      .send({ path: 'renamed' });
    const transfer = await request(app)
      .put(`/api/v4/projects/${project.id}/transfer`)
      .set(admin)
      .send({ namespace: target.id });
    const groupRename = await request(app)
      .put(`/api/v4/groups/${top.id}`)
      .set(admin)
      .send({ path: uniquePath('moved') });

    expect([rename.status, rename.body]).toEqual([
      400,
      {
        message:
          '400 Bad request - Project cannot be transferred, because tags are present in its container registry.',
      },
    ]);
    expect([transfer.status, transfer.body]).toEqual([
      400,
      {
        message:
          '400 Bad request - Project cannot be transferred, because tags are present in its container registry.',
      },
    ]);
    expect([groupRename.status, groupRename.body]).toEqual([
      400,
      {
        message:
          '400 Bad request - Cannot update the path because there are projects under this group that contain Docker images in their Container Registry. Please remove the images from your projects first and try again.',
      },
    ]);
    expect(await fullPathOf(project)).toBe(project.fullPath);

    await untag(project);

    const newTop = uniquePath('moved');
    expect(
      (await request(app).put(`/api/v4/groups/${top.id}`).set(admin).send({ path: newTop })).status,
    ).toBe(200);
    expect(
      (await request(app).put(`/api/v4/projects/${project.id}`).set(admin).send({ path: 'renamed' })).status,
    ).toBe(200);
    expect(await fullPathOf(project)).toBe(`${newTop}/sub/renamed`);
    const moved = await request(app)
      .put(`/api/v4/projects/${project.id}/transfer`)
      .set(admin)
      .send({ namespace: target.id });
    expect(moved.status).toBe(200);
    expect(await fullPathOf(project)).toBe(`${target.fullPath}/renamed`);
  });

  it('when a user with a tagged personal project is renamed, then 400 on username; once untagged, the rename goes through', async () => {
    const user = await createUser(identity.prisma, { username: uniquePath('owner') });
    const personal = await identity.prisma.namespace.findUniqueOrThrow({ where: { ownerId: user.id } });
    const project = await createProject(identity.prisma, { namespace: personal, path: 'images' });
    await tagImage(registry.prisma, project.id, project.fullPath, 'latest');
    const newName = uniquePath('renamed-owner');

    const refused = await request(identity.app)
      .put(`/api/v4/users/${user.id}`)
      .set(admin)
      .send({ username: newName });

    expect([refused.status, refused.body]).toEqual([
      400,
      { message: { username: ['cannot be changed if a personal project has container registry tags.'] } },
    ]);
    expect(await fullPathOf(project)).toBe(project.fullPath);

    await untag(project);
    const allowed = await request(identity.app)
      .put(`/api/v4/users/${user.id}`)
      .set(admin)
      .send({ username: newName });

    expect(allowed.status).toBe(200);
    expect(await fullPathOf(project)).toBe(`${newName}/images`);
  });

  it('when only projects elsewhere have tags, then a group rename is not held back by them', async () => {
    await taggedProjectInSubgroup();
    const quiet = await createGroup(identity.prisma, { path: uniquePath('quiet') });
    const project = await createProject(identity.prisma, { namespace: quiet, path: 'untagged' });
    await tagImage(registry.prisma, project.id, project.fullPath, 'latest');
    await untag(project);
    const newPath = uniquePath('quiet-moved');

    const res = await request(identity.app)
      .put(`/api/v4/groups/${quiet.id}`)
      .set(admin)
      .send({ path: newPath });

    expect(res.status).toBe(200);
    expect(await fullPathOf(project)).toBe(`${newPath}/untagged`);
  });
});
