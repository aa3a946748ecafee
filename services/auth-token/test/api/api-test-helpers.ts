import type { PrismaClient, User } from '../../src/generated/prisma/client';
import { createPersonalAccessToken, createUser } from '../support/identity-fixtures';

export interface SignedIn {
  user: User;
  /** Headers that authenticate as the user (a PAT with scope `api`). */
  auth: { 'Private-Token': string };
}

/** A fresh user with an `api` token. */
export async function signedIn(prisma: PrismaClient, options: { admin?: boolean } = {}): Promise<SignedIn> {
  const user = await createUser(prisma, options);
  const pat = await createPersonalAccessToken(prisma, user, ['api']);
  return { user, auth: { 'Private-Token': pat.token } };
}

/** Payloads of the outbox events of one type, oldest first. */
export async function eventsOf(prisma: PrismaClient, type: string): Promise<Record<string, unknown>[]> {
  const rows = await prisma.outboxEvent.findMany({
    where: { type },
    orderBy: [{ occurredAt: 'asc' }, { seq: 'asc' }],
  });
  return rows.map((row) => row.payload as Record<string, unknown>);
}

let counter = 0;
/** A path no other test in the file uses. */
export function uniquePath(base: string): string {
  return `${base}-${++counter}-${Date.now().toString(36)}`;
}
