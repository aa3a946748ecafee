import type { DeployToken } from '../../../generated/prisma/client';
import { isDeployTokenExpired } from '../../../domain/deploy-tokens/deploy-token-state';

/** GitLab's deploy token JSON; `token` only in the create response. */
export function presentDeployToken(row: DeployToken, now: Date, token?: string) {
  return {
    id: row.id,
    name: row.name,
    username: row.username,
    expires_at: row.expiresAt?.toISOString() ?? null,
    revoked: row.revokedAt !== null,
    expired: isDeployTokenExpired(row, now),
    scopes: row.scopes,
    ...(token !== undefined && { token }),
  };
}
