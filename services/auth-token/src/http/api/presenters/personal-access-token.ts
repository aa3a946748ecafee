import type { PersonalAccessToken } from '../../../generated/prisma/client';
import { isPersonalAccessTokenActive } from '../../../domain/personal-access-tokens/token-state';

const day = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : null);

/** GitLab's personal access token JSON; `token` only in the create and rotate responses. */
export function presentPersonalAccessToken(row: PersonalAccessToken, now: Date, token?: string) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    revoked: row.revokedAt !== null,
    created_at: row.createdAt.toISOString(),
    scopes: row.scopes,
    user_id: row.userId,
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    active: isPersonalAccessTokenActive(row, now),
    expires_at: day(row.expiresAt),
    ...(token !== undefined && { token }),
  };
}
