import type { Namespace, Project, User } from '../../../../auth-token/src/generated/prisma/client';
import { ACCESS_LEVEL } from '../../../../auth-token/src/domain/access-level';
import {
  addMember,
  createGroup,
  createPersonalAccessToken,
  createProject,
  createUser,
} from '../../../../auth-token/test/support/identity-fixtures';
import type { IdentityApp } from '../../../../auth-token/test/support/identity-app';

/**
 * Who the REST API tests act as, made in auth-token's database:
 *
 * - group `team` (private) with subgroup `team/sub`; projects `team/app`, `team/sub/tool` and
 *   `team/secret` (private), and `open/site` (public, in a public group);
 * - `maintainer`: Maintainer of `team` (so of every project below it);
 * - `reporter`: Reporter of `team/app` only; `guest`: Guest of `team/app`; `groupGuest`: Guest
 *   of `team` and Reporter of `team/app`; `outsider`: no membership. Each has a personal access
 *   token with the `api` scope.
 */
export interface IdentityWorld {
  team: Namespace;
  app: Project;
  tool: Project;
  secret: Project;
  site: Project;
  tokens: { maintainer: string; reporter: string; guest: string; groupGuest: string; outsider: string };
}

async function userWithToken(identity: IdentityApp): Promise<{ user: User; token: string }> {
  const user = await createUser(identity.prisma);
  const { token } = await createPersonalAccessToken(identity.prisma, user, ['api']);
  return { user, token };
}

export async function createIdentityWorld(identity: IdentityApp, prefix: string): Promise<IdentityWorld> {
  const { prisma } = identity;
  const team = await createGroup(prisma, { path: `${prefix}-team`, visibility: 'private' });
  const sub = await createGroup(prisma, { path: 'sub', parent: team, visibility: 'private' });
  const open = await createGroup(prisma, { path: `${prefix}-open`, visibility: 'public' });
  const app = await createProject(prisma, { namespace: team, path: 'app' });
  const tool = await createProject(prisma, { namespace: sub, path: 'tool' });
  const secret = await createProject(prisma, { namespace: team, path: 'secret' });
  const site = await createProject(prisma, { namespace: open, path: 'site', visibility: 'public' });
  const maintainer = await userWithToken(identity);
  const reporter = await userWithToken(identity);
  const guest = await userWithToken(identity);
  const groupGuest = await userWithToken(identity);
  const outsider = await userWithToken(identity);
  await addMember(prisma, maintainer.user, { group: team }, ACCESS_LEVEL.maintainer);
  await addMember(prisma, reporter.user, { project: app }, ACCESS_LEVEL.reporter);
  await addMember(prisma, guest.user, { project: app }, ACCESS_LEVEL.guest);
  await addMember(prisma, groupGuest.user, { group: team }, ACCESS_LEVEL.guest);
  await addMember(prisma, groupGuest.user, { project: app }, ACCESS_LEVEL.reporter);
  return {
    team,
    app,
    tool,
    secret,
    site,
    tokens: {
      maintainer: maintainer.token,
      reporter: reporter.token,
      guest: guest.token,
      groupGuest: groupGuest.token,
      outsider: outsider.token,
    },
  };
}
