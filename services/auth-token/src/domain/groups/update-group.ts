import type { Namespace, Prisma, PrismaClient, User } from '../../generated/prisma/client';
import { ACCESS_LEVEL } from '../access-level';
import { recordIdentityEvent } from '../identity-events';
import { accessLevelOnNamespace } from '../membership';
import { moveProject, rebase } from '../projects/project-paths';
import { ALLOW_ALL_MOVES, type ProjectMove, type RenameGuard } from '../projects/rename-guard';
import { moveRoute, onUniqueViolation } from '../routes';
import { RuleViolation } from '../rule-violation';
import { exceedsVisibility, type Visibility } from '../visibility';
import { descendantGroups, lockChain, lockForUpdate, projectsIn } from './group-tree';
import { checkName, checkPath, joinPath } from './naming';

export interface GroupChanges {
  name?: string;
  path?: string;
  visibility?: Visibility;
  description?: string;
}

type Tx = Prisma.TransactionClient;

/**
 * Owners (and admins) change a group. A new `path` moves the group and everything beneath it:
 * every descendant group's and project's full path and route, in one transaction, with an
 * identity.group.updated / identity.project.updated event (naming the previous path) for each.
 * `guard` is asked first whether the projects may move (see RenameGuard).
 */
export async function updateGroup(
  prisma: PrismaClient,
  actor: User,
  group: Namespace,
  changes: GroupChanges,
  guard: RenameGuard = ALLOW_ALL_MOVES,
): Promise<Namespace> {
  if (changes.name !== undefined) checkName(changes.name);
  const renamed = changes.path !== undefined && changes.path !== group.path;
  if (renamed) {
    checkPath(changes.path!, { topLevel: group.parentId === null });
    const refusal = await guard.refusalFor(await plannedMoves(prisma, group, changes.path!));
    if (refusal) throw RuleViolation.refused(refusal);
  }
  return onUniqueViolation(
    () =>
      prisma.$transaction(async (tx) => {
        const parent = group.parentId === null ? null : ((await lockChain(tx, group.parentId))[0] ?? null);
        const current = await lockForUpdate(tx, group.id);
        if (!current) throw RuleViolation.notFound('Group');
        if ((await accessLevelOnNamespace(tx, actor, current.id)) < ACCESS_LEVEL.owner) {
          throw RuleViolation.notAllowed();
        }
        if (changes.visibility !== undefined && changes.visibility !== current.visibility) {
          await checkVisibility(tx, current, parent, changes.visibility);
        }
        let updated = await tx.namespace.update({
          where: { id: current.id },
          data: { name: changes.name, description: changes.description, visibility: changes.visibility },
        });
        if (changes.path !== undefined && changes.path !== current.path) {
          updated = await moveGroup(
            tx,
            updated,
            joinPath(parent?.fullPath ?? null, changes.path),
            changes.path,
          );
        } else {
          await recordIdentityEvent(tx, 'identity.group.updated', {
            namespace_id: updated.id,
            full_path: updated.fullPath,
          });
        }
        return updated;
      }),
    () => RuleViolation.pathTaken(),
  );
}

/** What a rename would do to the projects beneath the group, as things stand. */
async function plannedMoves(prisma: PrismaClient, group: Namespace, newPath: string): Promise<ProjectMove[]> {
  const parentFullPath = group.parentId === null ? null : group.fullPath.slice(0, -(group.path.length + 1));
  const newFullPath = joinPath(parentFullPath, newPath);
  const groups = [group, ...(await descendantGroups(prisma, group.id))];
  const projects = await projectsIn(
    prisma,
    groups.map((g) => g.id),
  );
  return projects.map((project) => ({
    projectId: project.id,
    fullPath: project.fullPath,
    newFullPath: rebase(project.fullPath, group.fullPath, newFullPath),
  }));
}

async function checkVisibility(tx: Tx, group: Namespace, parent: Namespace | null, visibility: Visibility) {
  if (parent && exceedsVisibility(visibility, parent.visibility)) {
    throw RuleViolation.invalidField(
      'visibility_level',
      `${visibility} is not allowed since the parent group has a ${parent.visibility} visibility.`,
    );
  }
  // Children never exceed their parent, so looking one level down is enough.
  const children = await tx.namespace.findMany({
    where: { parentId: group.id },
    select: { visibility: true },
  });
  if (children.some((child) => exceedsVisibility(child.visibility, visibility))) {
    throw RuleViolation.invalidField(
      'visibility_level',
      `${visibility} is not allowed since there are sub-groups with higher visibility.`,
    );
  }
  const projects = await tx.project.findMany({
    where: { namespaceId: group.id },
    select: { visibility: true },
  });
  if (projects.some((project) => exceedsVisibility(project.visibility, visibility))) {
    throw RuleViolation.invalidField(
      'visibility_level',
      `${visibility} is not allowed since this group contains projects with higher visibility.`,
    );
  }
}

/** Moves a group and its whole subtree from its current full path to `newFullPath`. */
async function moveGroup(tx: Tx, group: Namespace, newFullPath: string, newPath: string): Promise<Namespace> {
  const oldFullPath = group.fullPath;
  const descendants = await descendantGroups(tx, group.id);
  let moved = group;
  for (const namespace of [group, ...descendants]) {
    const target = rebase(namespace.fullPath, oldFullPath, newFullPath);
    await moveRoute(tx, namespace.fullPath, target);
    const updated = await tx.namespace.update({
      where: { id: namespace.id },
      data: namespace.id === group.id ? { path: newPath, fullPath: target } : { fullPath: target },
    });
    if (namespace.id === group.id) moved = updated;
    await recordIdentityEvent(tx, 'identity.group.updated', {
      namespace_id: updated.id,
      full_path: updated.fullPath,
      previous_full_path: namespace.fullPath,
    });
  }
  for (const project of await projectsIn(
    tx,
    [group, ...descendants].map((g) => g.id),
  )) {
    await moveProject(tx, project, rebase(project.fullPath, oldFullPath, newFullPath));
  }
  return moved;
}
