import type { PersonalAccessToken, Prisma } from '../../generated/prisma/client';
import { dateHasPassed } from '../authenticate';
import { startOfUtcDay } from './token-fields';

/** Usable: neither revoked nor past its expiry day (the rule authenticate() applies). */
export function isPersonalAccessTokenActive(token: PersonalAccessToken, now: Date): boolean {
  return token.revokedAt === null && !dateHasPassed(token.expiresAt, now);
}

/** GitLab's `state` filter: `active` tokens work, `inactive` ones are revoked or expired. */
export function tokenStateWhere(
  state: 'active' | 'inactive',
  now: Date,
): Prisma.PersonalAccessTokenWhereInput {
  // expires_at is a date; a token whose date is today or earlier has expired.
  const today = startOfUtcDay(now);
  const active: Prisma.PersonalAccessTokenWhereInput = {
    revokedAt: null,
    OR: [{ expiresAt: null }, { expiresAt: { gt: today } }],
  };
  return state === 'active' ? active : { NOT: active };
}
