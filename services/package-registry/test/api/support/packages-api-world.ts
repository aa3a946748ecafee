import { FakeIdentity, ROLE } from '../../support/fake-identity';
import { openRegistryApp, type RegistryAppFixture } from '../../support/registry-app';

export const EXTERNAL_URL = 'http://gitlab.example.test';
export const WORLD_TIMEOUT_MS = 120_000;

/**
 * The package registry's routes (registry-app.ts) asking a table-driven identity. Who the tests act as:
 * - private group `team` with private subgroup `team/sub`; private projects `team/app`,
 *   `team/sub/tool` and `team/secret`; public group `open` with public project `open/site`;
 * - owner (Owner of team), maintainer (Maintainer of team), developer, reporter and guest of
 *   `team/app` only, outsider (no role), admin (instance administrator).
 */
export interface PackagesApiWorld extends RegistryAppFixture {
  identity: FakeIdentity;
  ids: {
    team: number;
    sub: number;
    open: number;
    app: number;
    tool: number;
    secret: number;
    site: number;
  };
  tokens: Record<'owner' | 'maintainer' | 'developer' | 'reporter' | 'guest' | 'outsider' | 'admin', string>;
}

export async function openPackagesApiWorld(): Promise<PackagesApiWorld> {
  const identity = new FakeIdentity();
  const ids = { team: 1, sub: 2, open: 3, app: 11, tool: 12, secret: 13, site: 14 };
  identity.groups.push(
    { id: ids.team, fullPath: 'team', visibility: 'private' },
    { id: ids.sub, fullPath: 'team/sub', visibility: 'private' },
    { id: ids.open, fullPath: 'open', visibility: 'public' },
  );
  identity.projects.push(
    { id: ids.app, fullPath: 'team/app', visibility: 'private' },
    { id: ids.tool, fullPath: 'team/sub/tool', visibility: 'private' },
    { id: ids.secret, fullPath: 'team/secret', visibility: 'private' },
    { id: ids.site, fullPath: 'open/site', visibility: 'public' },
  );
  const tokens = {
    owner: 'glpat-owner',
    maintainer: 'glpat-maintainer',
    developer: 'glpat-developer',
    reporter: 'glpat-reporter',
    guest: 'glpat-guest',
    outsider: 'glpat-outsider',
    admin: 'glpat-admin',
  };
  identity.users.push(
    { id: 101, username: 'owner', token: tokens.owner, roles: { team: ROLE.owner } },
    { id: 102, username: 'maintainer', token: tokens.maintainer, roles: { team: ROLE.maintainer } },
    { id: 103, username: 'developer', token: tokens.developer, roles: { 'team/app': ROLE.developer } },
    { id: 104, username: 'reporter', token: tokens.reporter, roles: { 'team/app': ROLE.reporter } },
    { id: 105, username: 'guest', token: tokens.guest, roles: { 'team/app': ROLE.guest } },
    { id: 106, username: 'outsider', token: tokens.outsider, roles: {} },
    { id: 107, username: 'admin', token: tokens.admin, admin: true, roles: {} },
  );
  const registry = await openRegistryApp({ identity, externalUrl: EXTERNAL_URL });
  return { ...registry, identity, ids, tokens };
}
