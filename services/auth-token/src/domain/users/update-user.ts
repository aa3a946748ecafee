import type { Prisma, PrismaClient, User } from '../../generated/prisma/client';
import { hashPassword } from '../passwords';
import { moveProject } from '../projects/project-paths';
import { ALLOW_ALL_MOVES, type ProjectMove, type RenameGuard } from '../projects/rename-guard';
import { isUniqueViolation, moveRoute } from '../routes';
import { RuleViolation } from '../rule-violation';
import { hasProblems, type FieldProblems } from './field-problems';
import { takenNameProblems } from './taken-names';
import { userFieldProblems } from './user-fields';

export interface UserChanges {
  username?: string;
  email?: string;
  name?: string;
  password?: string;
  admin?: boolean;
}

export type UpdateUserResult =
  | { kind: 'updated'; user: User; recordedEvents: boolean }
  | { kind: 'invalid'; problems: FieldProblems }
  | { kind: 'not_found' };

/**
 * A renamed user's personal namespace moves with them (its path is the username), and so do the
 * projects in it: full paths, routes, and an identity.project.updated event for each, as when a
 * group is renamed.
 */
async function moveNamespace(tx: Prisma.TransactionClient, user: User, username: string): Promise<boolean> {
  const namespace = await tx.namespace.findUnique({ where: { ownerId: user.id } });
  if (!namespace) return false;
  await moveRoute(tx, namespace.fullPath, username);
  await tx.namespace.update({ where: { id: namespace.id }, data: { path: username, fullPath: username } });
  const projects = await tx.project.findMany({ where: { namespaceId: namespace.id } });
  for (const project of projects) await moveProject(tx, project, `${username}/${project.path}`);
  return projects.length > 0;
}

/** Where the user's projects would go if they were renamed to `username`. */
async function plannedMoves(prisma: PrismaClient, user: User, username: string): Promise<ProjectMove[]> {
  const projects = await prisma.project.findMany({ where: { namespace: { ownerId: user.id } } });
  return projects.map((project) => ({
    projectId: project.id,
    fullPath: project.fullPath,
    newFullPath: `${username}/${project.path}`,
  }));
}

/** `guard` is asked first whether the user's projects may move (see RenameGuard). */
export async function updateUser(
  prisma: PrismaClient,
  id: number,
  changes: UserChanges,
  guard: RenameGuard = ALLOW_ALL_MOVES,
): Promise<UpdateUserResult> {
  const user = await prisma.user.findUnique({ where: { id } });
  if (!user) return { kind: 'not_found' };
  const invalid = userFieldProblems(changes);
  if (hasProblems(invalid)) return { kind: 'invalid', problems: invalid };
  const taken = await takenNameProblems(prisma, changes, id);
  if (hasProblems(taken)) return { kind: 'invalid', problems: taken };

  const renamed = changes.username !== undefined && changes.username !== user.username;
  if (renamed) {
    const refusal = await guard.refusalFor(await plannedMoves(prisma, user, changes.username!));
    if (refusal) return { kind: 'invalid', problems: { username: [refusal] } };
  }
  const passwordHash = changes.password === undefined ? undefined : await hashPassword(changes.password);
  try {
    return await prisma.$transaction(async (tx) => {
      const updated = await tx.user.update({
        where: { id },
        data: {
          ...(changes.username !== undefined && {
            username: changes.username,
            usernameKey: changes.username.toLowerCase(),
          }),
          ...(changes.email !== undefined && { email: changes.email, emailKey: changes.email.toLowerCase() }),
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.admin !== undefined && { admin: changes.admin }),
          ...(passwordHash !== undefined && { passwordHash }),
        },
      });
      // GitLab names a personal namespace after its owner's display name.
      if (changes.name !== undefined) {
        await tx.namespace.updateMany({ where: { ownerId: id }, data: { name: changes.name } });
      }
      const recordedEvents = renamed ? await moveNamespace(tx, updated, updated.username) : false;
      return { kind: 'updated' as const, user: updated, recordedEvents };
    });
  } catch (error) {
    // A path claimed between our check and our write: by a unique index, or by moveRoute's check.
    if (!isUniqueViolation(error) && !(error instanceof RuleViolation)) throw error;
    const raced = await takenNameProblems(prisma, changes, id);
    return {
      kind: 'invalid',
      problems: hasProblems(raced) ? raced : { username: ['has already been taken'] },
    };
  }
}
