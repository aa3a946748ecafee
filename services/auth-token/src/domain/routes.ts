import { Prisma } from '../generated/prisma/client';
import { routeKey } from './paths';
import { RuleViolation } from './rule-violation';

type Tx = Pick<Prisma.TransactionClient, 'route'>;

/**
 * Reserves `fullPath` for a group, user namespace or project, in the caller's transaction.
 * Routes hold every full path of all three, so one lookup answers "taken by anything, in any case".
 */
export async function claimRoute(
  tx: Tx,
  fullPath: string,
  owner: { namespaceId: number } | { projectId: number },
): Promise<void> {
  const pathKey = routeKey(fullPath);
  if (await tx.route.findUnique({ where: { pathKey } })) throw RuleViolation.pathTaken();
  await tx.route.create({ data: { pathKey, fullPath, ...owner } });
}

/** Points an existing route at a new full path (a case-only change keeps its key). */
export async function moveRoute(tx: Tx, from: string, to: string): Promise<void> {
  const fromKey = routeKey(from);
  const toKey = routeKey(to);
  if (fromKey !== toKey && (await tx.route.findUnique({ where: { pathKey: toKey } }))) {
    throw RuleViolation.pathTaken();
  }
  await tx.route.update({ where: { pathKey: fromKey }, data: { pathKey: toKey, fullPath: to } });
}

/** A unique index refused a row: a concurrent request claimed the same path (or member) first. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/**
 * Runs a write whose checks can lose a race with a concurrent request: the database's unique
 * index then has the last word, and the loser gets the same answer as a sequential request.
 */
export async function onUniqueViolation<T>(
  write: () => Promise<T>,
  violation: () => RuleViolation,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw violation();
    throw error;
  }
}
