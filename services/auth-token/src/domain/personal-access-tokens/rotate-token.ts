import type { PersonalAccessToken, PrismaClient } from '../../generated/prisma/client';
import { isPersonalAccessTokenScope } from '../scopes';
import { issuePersonalAccessToken, type IssuedPersonalAccessToken } from './issue-token';
import { revokePersonalAccessTokenIn } from './revoke-token';

export type RotateResult = ({ kind: 'rotated' } & IssuedPersonalAccessToken) | { kind: 'already_revoked' };

/**
 * Replaces a token with a new one of the same name, description and scopes, and revokes the old
 * one in the same transaction: there is never a moment with both or neither working.
 */
export async function rotatePersonalAccessToken(
  prisma: PrismaClient,
  old: PersonalAccessToken,
  expiresAt: Date,
  now: Date = new Date(),
): Promise<RotateResult> {
  return prisma.$transaction(async (tx) => {
    if (!(await revokePersonalAccessTokenIn(tx, old, now))) return { kind: 'already_revoked' as const };
    const issued = await issuePersonalAccessToken(tx, {
      userId: old.userId,
      name: old.name,
      description: old.description,
      scopes: old.scopes.filter(isPersonalAccessTokenScope),
      expiresAt,
    });
    return { kind: 'rotated' as const, ...issued };
  });
}
