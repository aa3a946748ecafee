import type { Response } from 'express';
import type { VerifiedToken } from '@stowage/auth';
import { OciError } from '@stowage/http';
import type { IdentityClient } from '@stowage/identity-client';
import type { ProxyGroups } from '../domain/proxy-groups';
import type { ProxyRoute } from './proxy-paths';

export interface PullAccessContext {
  groups: ProxyGroups;
  identity: IdentityClient;
  /** `Bearer realm=...,service="dependency_proxy"`, without a scope. */
  challenge: string;
}

/** The group a granted access entry names (auth-token writes it beside the grant). */
function grantedGroupId(token: VerifiedToken, name: string): number | null {
  const entry = token.access.find(
    (e) => e.type === 'repository' && e.name === name && e.actions.includes('pull'),
  );
  const groupId = entry?.meta?.group_id;
  return typeof groupId === 'number' ? groupId : null;
}

/**
 * Which group the pull goes through, if the token may pull. auth-token grants pulls to signed-in
 * principals who can read the group; an anonymous token pulls only from a public group whose
 * Owner turned on anonymous pulls (a setting of ours, so asked here). Refusals: anonymous gets 401
 * with a challenge naming the scope, a signed-in principal 403 DENIED.
 */
export async function authorizePull(
  ctx: PullAccessContext,
  route: ProxyRoute,
  res: Response,
): Promise<number> {
  const token = res.locals.registryToken as VerifiedToken;
  const granted = grantedGroupId(token, route.name);
  if (granted !== null) return granted;
  if (token.subject !== '') throw new OciError('DENIED', { name: route.name });

  const group = await publicGroup(ctx, route.groupPath);
  if (group !== null && (await ctx.groups.settings(group)).anonymousPulls) return group;
  res.setHeader(
    'WWW-Authenticate',
    `${ctx.challenge},scope="repository:${route.name}:pull",error="insufficient_scope"`,
  );
  throw new OciError('UNAUTHORIZED', [{ Type: 'repository', Name: route.name, Action: 'pull' }]);
}

/** The group's id when it is public (what auth-token shows anyone); null otherwise. */
async function publicGroup(ctx: PullAccessContext, groupPath: string): Promise<number | null> {
  // Anonymous, so auth-token cannot refuse credentials; an outage answers 503 as it is.
  const answer = await ctx.identity.authorize({ credentials: null, group: groupPath, abilities: [] });
  return answer.group && answer.group.visibility === 'public' ? answer.group.id : null;
}
