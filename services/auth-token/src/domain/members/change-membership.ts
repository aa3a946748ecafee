import type { Member, Prisma, PrismaClient, User } from '../../generated/prisma/client';
import { ACCESS_LEVEL, type AccessLevel } from '../access-level';
import { recordIdentityEvent } from '../identity-events';
import { onUniqueViolation } from '../routes';
import { RuleViolation } from '../rule-violation';
import {
  levelOnSource,
  lockSource,
  sourceKey,
  startOfTodayUtc,
  unexpired,
  type MemberSource,
} from './member-source';

export type MemberWithUser = Member & { user: User };

export interface NewMember {
  /** One of the two names the user. */
  userId?: number;
  username?: string;
  accessLevel: AccessLevel;
  expiresAt?: Date | null;
}

export interface MemberChanges {
  accessLevel?: AccessLevel;
  /** null removes the expiry. */
  expiresAt?: Date | null;
}

type Tx = Prisma.TransactionClient;

/**
 * Who may change memberships, after GitLab: Maintainers and Owners manage members, but only
 * Owners (and admins) grant Owner or touch an Owner's membership; anyone may leave. A top-level
 * group keeps at least one Owner, so its last one can be neither demoted nor removed.
 * Each change records identity.membership.changed in the same transaction.
 */
export async function addMember(
  prisma: PrismaClient,
  actor: User,
  source: MemberSource,
  input: NewMember,
): Promise<MemberWithUser> {
  checkExpiry(input.expiresAt);
  return onUniqueViolation(
    () =>
      prisma.$transaction(async (tx) => {
        const locked = await lockSource(tx, source);
        const actorLevel = await levelOnSource(tx, actor, locked);
        if (actorLevel < ACCESS_LEVEL.maintainer) throw RuleViolation.notAllowed();
        if (input.accessLevel === ACCESS_LEVEL.owner && actorLevel < ACCESS_LEVEL.owner) {
          throw RuleViolation.notAllowed();
        }
        const user =
          input.userId !== undefined
            ? await tx.user.findUnique({ where: { id: input.userId } })
            : await tx.user.findUnique({ where: { usernameKey: (input.username ?? '').toLowerCase() } });
        if (!user) throw RuleViolation.notFound('User');
        const key = sourceKey(locked);
        if (await tx.member.findFirst({ where: { ...key, userId: user.id } })) {
          throw RuleViolation.conflict('Member already exists');
        }
        const member = await tx.member.create({
          data: {
            ...key,
            userId: user.id,
            accessLevel: input.accessLevel,
            expiresAt: input.expiresAt ?? null,
            createdById: actor.id,
          },
          include: { user: true },
        });
        await recordChange(tx, member);
        return member;
      }),
    () => RuleViolation.conflict('Member already exists'),
  );
}

export async function updateMember(
  prisma: PrismaClient,
  actor: User,
  source: MemberSource,
  userId: number,
  changes: MemberChanges,
): Promise<MemberWithUser> {
  checkExpiry(changes.expiresAt);
  return prisma.$transaction(async (tx) => {
    const locked = await lockSource(tx, source);
    const member = await directMember(tx, locked, userId);
    const actorLevel = await levelOnSource(tx, actor, locked);
    if (actorLevel < ACCESS_LEVEL.maintainer) throw RuleViolation.notAllowed();
    const touchesOwner =
      member.accessLevel === ACCESS_LEVEL.owner || changes.accessLevel === ACCESS_LEVEL.owner;
    if (touchesOwner && actorLevel < ACCESS_LEVEL.owner) throw RuleViolation.notAllowed();
    if (changes.accessLevel !== undefined && changes.accessLevel < ACCESS_LEVEL.owner) {
      await keepAnOwner(tx, locked, member);
    }
    const updated = await tx.member.update({
      where: { id: member.id },
      data: { accessLevel: changes.accessLevel, expiresAt: changes.expiresAt },
      include: { user: true },
    });
    await recordChange(tx, updated);
    return updated;
  });
}

export async function removeMember(
  prisma: PrismaClient,
  actor: User,
  source: MemberSource,
  userId: number,
): Promise<MemberWithUser> {
  return prisma.$transaction(async (tx) => {
    const locked = await lockSource(tx, source);
    const member = await directMember(tx, locked, userId);
    if (member.userId !== actor.id) {
      const actorLevel = await levelOnSource(tx, actor, locked);
      if (actorLevel < ACCESS_LEVEL.maintainer) throw RuleViolation.notAllowed();
      if (member.accessLevel === ACCESS_LEVEL.owner && actorLevel < ACCESS_LEVEL.owner) {
        throw RuleViolation.notAllowed();
      }
    }
    await keepAnOwner(tx, locked, member);
    await tx.member.delete({ where: { id: member.id } });
    await recordChange(tx, member);
    return member;
  });
}

async function directMember(tx: Tx, source: MemberSource, userId: number): Promise<MemberWithUser> {
  const member = await tx.member.findFirst({
    where: { ...sourceKey(source), userId },
    include: { user: true },
  });
  if (!member) throw RuleViolation.notFound('Member');
  return member;
}

/** Refuses to let `member` stop being an Owner of a top-level group that has no other. */
async function keepAnOwner(tx: Tx, source: MemberSource, member: Member): Promise<void> {
  if (source.kind !== 'group' || source.group.parentId !== null) return;
  if (member.accessLevel !== ACCESS_LEVEL.owner) return;
  const others = await tx.member.count({
    where: {
      namespaceId: source.group.id,
      accessLevel: ACCESS_LEVEL.owner,
      userId: { not: member.userId },
      user: { state: 'active' },
      AND: [unexpired()],
    },
  });
  if (others === 0) throw RuleViolation.notAllowed();
}

function checkExpiry(expiresAt: Date | null | undefined): void {
  if (expiresAt && expiresAt.getTime() <= startOfTodayUtc().getTime()) {
    throw RuleViolation.invalidField('expires_at', 'cannot be a date in the past');
  }
}

function recordChange(tx: Tx, member: Member): Promise<void> {
  return recordIdentityEvent(tx, 'identity.membership.changed', {
    user_id: member.userId,
    ...(member.projectId !== null ? { project_id: member.projectId } : { namespace_id: member.namespaceId! }),
  });
}
