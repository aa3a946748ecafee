import type {
  AuthorizeRequest,
  AuthorizeResponse,
  IdentityClient,
  Principal,
} from '@stowage/identity-client';
import { IdentityUnauthorizedError } from '@stowage/identity-client';

/**
 * A stand-in for auth-token's authorize endpoint, for the service's in-process tests: a fixed
 * world of projects and groups, and per token the abilities granted on each project. A token is
 * accepted in any header form and as a Basic password (username ignored), as auth-token does;
 * an unknown token is refused as auth-token refuses it (401).
 */
export interface FakeProject {
  id: number;
  fullPath: string;
  visibility: 'public' | 'internal' | 'private';
  /** Abilities per token; `anonymous` for callers without credentials. */
  grants: Record<string, string[]>;
  /** The caller's role (auth-token's `access_level`) per token; 0 when not listed. */
  accessLevels?: Record<string, number>;
}

export interface FakeGroup {
  id: number;
  fullPath: string;
  visibility: 'public' | 'internal' | 'private';
  /** Tokens (or `anonymous`) that may see the group. */
  visibleTo: string[];
}

function tokenOf(request: AuthorizeRequest): string {
  const credentials = request.credentials;
  if (credentials === null) return 'anonymous';
  return credentials.kind === 'basic' ? credentials.password : credentials.token;
}

function principalOf(token: string): Principal {
  if (token === 'anonymous') return { kind: 'anonymous' };
  return {
    kind: 'user',
    user_id: token.length,
    username: token,
    admin: false,
    credential: 'personal_access_token',
  };
}

export function fakeIdentity(world: {
  projects: FakeProject[];
  groups: FakeGroup[];
  tokens: string[];
}): IdentityClient & {
  calls: AuthorizeRequest[];
} {
  const calls: AuthorizeRequest[] = [];
  const find = <T extends { id: number; fullPath: string }>(
    items: T[],
    ref: number | string | null | undefined,
  ) =>
    ref === undefined || ref === null
      ? undefined
      : items.find((item) => (typeof ref === 'number' ? item.id === ref : item.fullPath === ref));
  return {
    calls,
    async authorize(request): Promise<AuthorizeResponse> {
      calls.push(request);
      const token = tokenOf(request);
      if (token !== 'anonymous' && !world.tokens.includes(token)) throw new IdentityUnauthorizedError();
      const project = find(world.projects, request.project);
      const granted = project?.grants[token] ?? [];
      const group = find(world.groups, request.group);
      const groupVisible = group !== undefined && group.visibleTo.includes(token);
      return {
        principal: principalOf(token),
        project:
          project && granted.length > 0
            ? {
                id: project.id,
                full_path: project.fullPath,
                visibility: project.visibility,
                access_level: project.accessLevels?.[token] ?? 0,
              }
            : null,
        group: groupVisible
          ? { id: group.id, full_path: group.fullPath, visibility: group.visibility }
          : null,
        granted: request.abilities.filter((ability) => granted.includes(ability)),
      };
    },
    async invalidateOnIdentityEvents() {
      return { close: async () => undefined } as never;
    },
    clearCache() {},
  };
}
