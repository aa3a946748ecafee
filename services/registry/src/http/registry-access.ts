import type { Response } from 'express';
import { hasAccess, type VerifiedToken } from '@stowage/auth';
import { OciError } from '@stowage/http';
import { REGISTRY_TOKEN_AUDIENCE } from './base';

export type RepositoryAction = 'pull' | 'push' | 'delete';

/** The scope a client must ask for to take `action`, as distribution names it in its challenge. */
export function scopeFor(name: string, action: RepositoryAction): string {
  return `repository:${name}:${action === 'push' ? 'pull,push' : action}`;
}

/**
 * The scopes a challenge names for a request that takes `action` on `name`, and that mounts from
 * `mountFrom` when it is a `?mount=&from=` upload: pull on the source too, so a client that asks
 * for what the challenge names gets a token that lets the mount happen. Several scopes go in one
 * `scope` parameter, space-separated, as distribution's token auth writes them
 * (`scope="repository:a:pull,push repository:b:pull"`); containerd splits it on spaces and asks
 * `/jwt/auth` for each, and docker asks for the source's pull itself.
 */
export function challengeScope(name: string, action: RepositoryAction, mountFrom: string | null): string {
  const own = scopeFor(name, action);
  return mountFrom !== null && mountFrom !== name ? `${own} ${scopeFor(mountFrom, 'pull')}` : own;
}

export function registryToken(res: Response): VerifiedToken {
  return res.locals.registryToken as VerifiedToken;
}

/**
 * Refuses a request whose token does not grant `action` on the repository: 401 with an
 * `insufficient_scope` challenge naming the scopes (see `challengeScope`), so the client can fetch
 * a token that has them (distribution's token authentication answers the same way). Pull on a
 * mount's source is named but not required: without it the upload starts as an ordinary one.
 */
export function requireRepositoryAccess(
  res: Response,
  realm: string,
  name: string,
  action: RepositoryAction,
  mountFrom: string | null = null,
): void {
  if (hasAccess(registryToken(res), 'repository', name, action)) return;
  res.setHeader(
    'WWW-Authenticate',
    `Bearer realm="${realm}",service="${REGISTRY_TOKEN_AUDIENCE}",scope="${challengeScope(name, action, mountFrom)}",error="insufficient_scope"`,
  );
  throw new OciError('UNAUTHORIZED', [{ Type: 'repository', Name: name, Action: action }]);
}

/** The project auth-token attributed the repository to when it granted this token. */
export function projectIdFor(res: Response, name: string): number {
  const entry = registryToken(res).access.find((e) => e.type === 'repository' && e.name === name);
  const projectId = entry?.meta?.project_id;
  // auth-token grants nothing on a path outside a project, so a granted entry always has one.
  if (typeof projectId !== 'number') throw new OciError('NAME_UNKNOWN', { name });
  return projectId;
}

export const CATALOG_SCOPE = 'registry:catalog:*';

/** Whether the token lists the whole registry (`registry:catalog:*`). */
export function requireCatalogAccess(res: Response, realm: string): void {
  if (hasAccess(registryToken(res), 'registry', 'catalog', '*')) return;
  res.setHeader(
    'WWW-Authenticate',
    `Bearer realm="${realm}",service="${REGISTRY_TOKEN_AUDIENCE}",scope="${CATALOG_SCOPE}",error="insufficient_scope"`,
  );
  throw new OciError('UNAUTHORIZED', [{ Type: 'registry', Name: 'catalog', Action: '*' }]);
}
