import type { Namespace, PrismaClient, Project, User } from '../../src/generated/prisma/client';
import type { AccessLevel } from '../../src/domain/access-level';
import { hashPassword } from '../../src/domain/passwords';
import { routeKey } from '../../src/domain/paths';
import type { DeployTokenScope, PersonalAccessTokenScope } from '../../src/domain/scopes';
import { newToken } from '../../src/domain/tokens';

/**
 * Builders that write identity rows straight through Prisma, for tests that need a world of
 * users, groups and projects without going through the REST API. Names get a counter suffix so
 * one database can hold many tests' fixtures.
 */
let counter = 0;
const unique = (base: string) => `${base}${++counter}`;

type Visibility = 'public' | 'internal' | 'private';

export async function createUser(
  prisma: PrismaClient,
  options: { username?: string; password?: string; admin?: boolean; state?: 'active' | 'blocked' } = {},
): Promise<User> {
  const username = options.username ?? unique('user');
  const user = await prisma.user.create({
    data: {
      username,
      usernameKey: username.toLowerCase(),
      email: `${username}@example.test`,
      emailKey: `${username}@example.test`.toLowerCase(),
      name: username,
      passwordHash: options.password ? await hashPassword(options.password) : null,
      admin: options.admin ?? false,
      state: options.state ?? 'active',
    },
  });
  await prisma.namespace.create({
    data: {
      kind: 'user',
      name: username,
      path: username,
      fullPath: username,
      ownerId: user.id,
      visibility: 'public',
      route: { create: { pathKey: routeKey(username), fullPath: username } },
    },
  });
  return user;
}

export async function createGroup(
  prisma: PrismaClient,
  options: { path?: string; parent?: Namespace; visibility?: Visibility } = {},
): Promise<Namespace> {
  const path = options.path ?? unique('group');
  const fullPath = options.parent ? `${options.parent.fullPath}/${path}` : path;
  return prisma.namespace.create({
    data: {
      kind: 'group',
      name: path,
      path,
      fullPath,
      parentId: options.parent?.id ?? null,
      visibility: options.visibility ?? 'private',
      route: { create: { pathKey: routeKey(fullPath), fullPath } },
    },
  });
}

export async function createProject(
  prisma: PrismaClient,
  options: {
    namespace: Namespace;
    path?: string;
    visibility?: Visibility;
    containerRegistryAccessLevel?: 'disabled' | 'private' | 'enabled';
    packageRegistryAccessLevel?: 'disabled' | 'private' | 'enabled' | 'public';
  },
): Promise<Project> {
  const path = options.path ?? unique('project');
  const fullPath = `${options.namespace.fullPath}/${path}`;
  return prisma.project.create({
    data: {
      namespaceId: options.namespace.id,
      name: path,
      path,
      fullPath,
      visibility: options.visibility ?? 'private',
      containerRegistryAccessLevel: options.containerRegistryAccessLevel ?? 'enabled',
      packageRegistryAccessLevel: options.packageRegistryAccessLevel ?? 'enabled',
      route: { create: { pathKey: routeKey(fullPath), fullPath } },
    },
  });
}

export async function addMember(
  prisma: PrismaClient,
  user: User,
  source: { project: Project } | { group: Namespace },
  accessLevel: AccessLevel,
  expiresAt?: Date,
): Promise<void> {
  await prisma.member.create({
    data: {
      userId: user.id,
      accessLevel,
      expiresAt: expiresAt ?? null,
      ...('project' in source ? { projectId: source.project.id } : { namespaceId: source.group.id }),
    },
  });
}

export async function createPersonalAccessToken(
  prisma: PrismaClient,
  user: User,
  scopes: PersonalAccessTokenScope[],
  options: { expiresAt?: Date; revoked?: boolean } = {},
): Promise<{ id: number; token: string }> {
  const { token, digest } = newToken('personalAccessToken');
  const row = await prisma.personalAccessToken.create({
    data: {
      userId: user.id,
      name: unique('pat'),
      tokenDigest: digest,
      scopes,
      expiresAt: options.expiresAt ?? null,
      revokedAt: options.revoked ? new Date() : null,
    },
  });
  return { id: row.id, token };
}

export async function createDeployToken(
  prisma: PrismaClient,
  owner: { project: Project } | { group: Namespace },
  scopes: DeployTokenScope[],
  options: { expiresAt?: Date; revoked?: boolean } = {},
): Promise<{ id: number; token: string; username: string }> {
  const { token, digest } = newToken('deployToken');
  const row = await prisma.deployToken.create({
    data: {
      name: unique('deploy'),
      username: unique('deploy-user-'),
      tokenDigest: digest,
      scopes,
      expiresAt: options.expiresAt ?? null,
      revokedAt: options.revoked ? new Date() : null,
      ...('project' in owner ? { projectId: owner.project.id } : { namespaceId: owner.group.id }),
    },
  });
  const username = `gitlab+deploy-token-${row.id}`;
  await prisma.deployToken.update({ where: { id: row.id }, data: { username } });
  return { id: row.id, token, username };
}

export async function createJobToken(
  prisma: PrismaClient,
  project: Project,
  user: User,
  options: { expiresAt?: Date; finished?: boolean } = {},
): Promise<{ id: number; token: string }> {
  const { token, digest } = newToken('jobToken');
  const row = await prisma.jobToken.create({
    data: {
      projectId: project.id,
      userId: user.id,
      tokenDigest: digest,
      expiresAt: options.expiresAt ?? new Date(Date.now() + 3600_000),
      finishedAt: options.finished ? new Date() : null,
    },
  });
  return { id: row.id, token };
}
