import type { DeployToken, Prisma } from '../../generated/prisma/client';

export function isDeployTokenExpired(token: DeployToken, now: Date): boolean {
  return token.expiresAt !== null && token.expiresAt.getTime() <= now.getTime();
}

/** GitLab's `active=true`: neither revoked nor expired. */
export function activeDeployTokenWhere(now: Date): Prisma.DeployTokenWhereInput {
  return { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
}
