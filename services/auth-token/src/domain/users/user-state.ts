import type { PrismaClient, User } from '../../generated/prisma/client';
import { recordIdentityEvent } from '../identity-events';

export type UserState = 'active' | 'blocked';

export type SetUserStateResult = { kind: 'not_found' } | { kind: 'done'; user: User; changed: boolean };

/**
 * Blocks or unblocks a user. A blocked user keeps every row (tokens, memberships, projects) but
 * authenticates as nobody; the event lets other services drop what they cached for them.
 * Setting the state a user already has changes nothing and announces nothing.
 */
export async function setUserState(
  prisma: PrismaClient,
  id: number,
  state: UserState,
  now: Date = new Date(),
): Promise<SetUserStateResult> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.user.updateMany({ where: { id, state: { not: state } }, data: { state } });
    const user = await tx.user.findUnique({ where: { id } });
    if (!user) return { kind: 'not_found' as const };
    if (count > 0) {
      if (state === 'blocked') {
        await recordIdentityEvent(tx, 'identity.user.blocked', {
          user_id: id,
          blocked_at: now.toISOString(),
        });
      } else {
        await recordIdentityEvent(tx, 'identity.user.unblocked', { user_id: id });
      }
    }
    return { kind: 'done' as const, user, changed: count > 0 };
  });
}
