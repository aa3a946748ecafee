import type { PrismaClient } from '../../generated/prisma/client';
import { routeKey } from '../paths';
import { addProblem, type FieldProblems } from './field-problems';

type Reader = Pick<PrismaClient, 'user' | 'route'>;

const TAKEN = 'has already been taken';

/**
 * Usernames and emails are unique regardless of case, and a username is also a top-level path,
 * so it may not be a group's either. `exceptUserId`: the user being renamed keeps their own.
 */
export async function takenNameProblems(
  prisma: Reader,
  fields: { username?: string; email?: string },
  exceptUserId?: number,
): Promise<FieldProblems> {
  const problems: FieldProblems = {};
  const other = (id: number | null | undefined) => id !== null && id !== undefined && id !== exceptUserId;
  if (fields.username !== undefined) {
    const key = fields.username.toLowerCase();
    const user = await prisma.user.findUnique({ where: { usernameKey: key }, select: { id: true } });
    const route = await prisma.route.findUnique({
      where: { pathKey: routeKey(fields.username) },
      select: { namespace: { select: { ownerId: true } } },
    });
    const routeHolder = route ? (route.namespace?.ownerId ?? -1) : null;
    if (other(user?.id) || other(routeHolder)) addProblem(problems, 'username', TAKEN);
  }
  if (fields.email !== undefined) {
    const user = await prisma.user.findUnique({
      where: { emailKey: fields.email.toLowerCase() },
      select: { id: true },
    });
    if (other(user?.id)) addProblem(problems, 'email', TAKEN);
  }
  return problems;
}
