import type { Subscription } from '@stowage/bus';
import {
  IdentityUnauthorizedError,
  type AuthorizeRequest,
  type AuthorizeResponse,
  type IdentityClient,
  type Principal,
} from '@stowage/identity-client';

/**
 * auth-token's authorize contract answered from a table, with GitLab's package rules (the
 * contract of /work/notes/authz-contract.md): read_package on public projects for anyone, on
 * internal ones for signed-in users, on private ones for Reporters; create_package for
 * Developers; destroy_package and admin_package for Maintainers; a group's admin_package for its
 * Owners; instance admins everything. Roles are inherited down the group tree. It lets the
 * Packages API be tested for what it does with answers, whatever auth-token's state.
 */

export type Visibility = 'public' | 'internal' | 'private';

export interface FakeNamespace {
  id: number;
  fullPath: string;
  visibility: Visibility;
}

export interface FakeUser {
  id: number;
  username: string;
  token: string;
  admin?: boolean;
  /** Roles by full path of a group or project (10 Guest ... 50 Owner). */
  roles: Record<string, number>;
}

const ROLE = { guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50 } as const;
export { ROLE };

export class FakeIdentity implements IdentityClient {
  readonly groups: FakeNamespace[] = [];
  readonly projects: FakeNamespace[] = [];
  readonly users: FakeUser[] = [];
  /** Every authorize request, so tests can check what was asked. */
  readonly requests: AuthorizeRequest[] = [];

  async authorize(request: AuthorizeRequest): Promise<AuthorizeResponse> {
    this.requests.push(request);
    const user = this.userOf(request.credentials);
    const principal: Principal = user
      ? {
          kind: 'user',
          user_id: user.id,
          username: user.username,
          admin: !!user.admin,
          credential: 'personal_access_token',
        }
      : { kind: 'anonymous' };
    if (request.project !== undefined && request.project !== null) {
      const project = this.find(this.projects, request.project);
      const level = project ? this.levelOn(user, project.fullPath) : 0;
      if (!project || !this.sees(user, project, level))
        return { principal, project: null, group: null, granted: [] };
      const abilities = this.projectAbilities(user, project, level);
      return {
        principal,
        project: {
          id: project.id,
          full_path: project.fullPath,
          visibility: project.visibility,
          access_level: level,
        } as AuthorizeResponse['project'],
        group: null,
        granted: request.abilities.filter((ability) => abilities.has(ability)),
      };
    }
    const group =
      request.group === undefined || request.group === null
        ? undefined
        : this.find(this.groups, request.group);
    const level = group ? this.levelOn(user, group.fullPath) : 0;
    if (!group || !this.sees(user, group, level))
      return { principal, project: null, group: null, granted: [] };
    const granted = request.abilities.filter(
      (ability) => ability === 'admin_package' && (user?.admin || level >= ROLE.owner),
    );
    return {
      principal,
      project: null,
      group: { id: group.id, full_path: group.fullPath, visibility: group.visibility },
      granted,
    };
  }

  invalidateOnIdentityEvents(): Promise<Subscription> {
    return Promise.resolve({ close: async () => undefined } as Subscription);
  }

  clearCache(): void {}

  private userOf(credentials: AuthorizeRequest['credentials']): FakeUser | undefined {
    if (credentials === null) return undefined;
    const token =
      credentials.kind === 'basic' ? credentials.password : (credentials as { token: string }).token;
    const user = this.users.find((candidate) => candidate.token === token);
    if (!user) throw new IdentityUnauthorizedError();
    return user;
  }

  private find(list: FakeNamespace[], ref: number | string): FakeNamespace | undefined {
    return typeof ref === 'number'
      ? list.find((entry) => entry.id === ref)
      : list.find((entry) => entry.fullPath.toLowerCase() === ref.toLowerCase());
  }

  /** The highest role on the path or any group above it; admins count as Owners. */
  private levelOn(user: FakeUser | undefined, fullPath: string): number {
    if (!user) return 0;
    if (user.admin) return ROLE.owner;
    let level = 0;
    for (const [path, role] of Object.entries(user.roles)) {
      const target = fullPath.toLowerCase();
      const held = path.toLowerCase();
      if (target === held || target.startsWith(`${held}/`)) level = Math.max(level, role);
    }
    return level;
  }

  private sees(user: FakeUser | undefined, entry: FakeNamespace, level: number): boolean {
    if (entry.visibility === 'public') return true;
    if (entry.visibility === 'internal') return user !== undefined;
    return level >= ROLE.guest;
  }

  private projectAbilities(user: FakeUser | undefined, project: FakeNamespace, level: number): Set<string> {
    const abilities = new Set<string>();
    const reads =
      project.visibility === 'public' ||
      (project.visibility === 'internal' && user !== undefined) ||
      level >= ROLE.reporter;
    if (reads) abilities.add('read_package');
    if (level >= ROLE.developer) abilities.add('create_package');
    if (level >= ROLE.maintainer) {
      abilities.add('destroy_package');
      abilities.add('admin_package');
    }
    return abilities;
  }
}
