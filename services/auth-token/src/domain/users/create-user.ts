import type { PrismaClient, User } from '../../generated/prisma/client';
import { hashPassword } from '../passwords';
import { routeKey } from '../paths';
import { isUniqueViolation } from '../routes';
import { hasProblems, type FieldProblems } from './field-problems';
import { takenNameProblems } from './taken-names';
import { userFieldProblems } from './user-fields';

export interface NewUser {
  username: string;
  email: string;
  name: string;
  /** null: the user has no password (they sign in with tokens until an admin sets one). */
  password: string | null;
  admin: boolean;
}

export type CreateUserResult = { kind: 'created'; user: User } | { kind: 'invalid'; problems: FieldProblems };

/**
 * Creates a user with their personal namespace (path = username, public, as on GitLab) and its
 * route, in one transaction: a failure at any step leaves nothing behind.
 */
export async function createUser(prisma: PrismaClient, input: NewUser): Promise<CreateUserResult> {
  const { username, email, name } = input;
  const invalid = userFieldProblems({ username, email, name, password: input.password ?? undefined });
  if (hasProblems(invalid)) return { kind: 'invalid', problems: invalid };
  const taken = await takenNameProblems(prisma, { username, email });
  if (hasProblems(taken)) return { kind: 'invalid', problems: taken };

  const passwordHash = input.password === null ? null : await hashPassword(input.password);
  try {
    const user = await prisma.$transaction(async (tx) => {
      const created = await tx.user.create({
        data: {
          username,
          usernameKey: username.toLowerCase(),
          email,
          emailKey: email.toLowerCase(),
          name,
          passwordHash,
          admin: input.admin,
        },
      });
      await tx.namespace.create({
        data: {
          kind: 'user',
          name,
          path: username,
          fullPath: username,
          ownerId: created.id,
          visibility: 'public',
          route: { create: { pathKey: routeKey(username), fullPath: username } },
        },
      });
      return created;
    });
    return { kind: 'created', user };
  } catch (error) {
    // Someone took the name between our check and our insert: say which, as the check would have.
    if (!isUniqueViolation(error)) throw error;
    const raced = await takenNameProblems(prisma, { username, email });
    return {
      kind: 'invalid',
      problems: hasProblems(raced) ? raced : { username: ['has already been taken'] },
    };
  }
}
