import type { Namespace, PrismaClient, Project, User } from '../../generated/prisma/client';
import { ACCESS_LEVEL } from '../access-level';
import { joinPath } from '../groups/naming';
import type { Ref } from '../lookup';
import { accessLevelOnProject } from '../membership';
import { routeKey } from '../paths';
import { onUniqueViolation } from '../routes';
import { RuleViolation } from '../rule-violation';
import { exceedsVisibility } from '../visibility';
import { targetNamespace } from './create-project';
import { moveProject } from './project-paths';
import { ALLOW_ALL_MOVES, type RenameGuard } from './rename-guard';
import { lockProject } from './update-project';

/** A namespace of either kind (group or personal) by id or full path. */
async function findNamespace(prisma: PrismaClient, ref: Ref): Promise<Namespace | null> {
  if (typeof ref === 'number') {
    return Number.isSafeInteger(ref) ? prisma.namespace.findUnique({ where: { id: ref } }) : null;
  }
  const route = await prisma.route.findUnique({
    where: { pathKey: routeKey(ref) },
    include: { namespace: true },
  });
  return route?.namespace ?? null;
}

/**
 * Moves a project into another namespace: the project's Owner (or an admin) may, into a group
 * where they are Maintainer or more, or into their own personal namespace. A project more open
 * than its new group is lowered to the group's visibility, as GitLab does. `guard` is asked first.
 */
export async function transferProject(
  prisma: PrismaClient,
  actor: User,
  project: Project,
  namespaceRef: Ref,
  guard: RenameGuard = ALLOW_ALL_MOVES,
): Promise<Project> {
  if ((await accessLevelOnProject(prisma, actor, project)) < ACCESS_LEVEL.owner)
    throw RuleViolation.notAllowed();
  const target = await findNamespace(prisma, namespaceRef);
  if (!target) throw RuleViolation.notFound('Namespace');
  if (target.id === project.namespaceId) throw RuleViolation.refused('Project is already in this namespace.');
  const newFullPath = joinPath(target.fullPath, project.path);
  const refusal = await guard.refusalFor([
    { projectId: project.id, fullPath: project.fullPath, newFullPath },
  ]);
  if (refusal) throw RuleViolation.refused(refusal);
  return onUniqueViolation(
    () =>
      prisma.$transaction(async (tx) => {
        // The target's chain first, then the project: the order renames and updates lock in.
        const namespace = await targetNamespace(tx, actor, target.id);
        const current = await lockProject(tx, project.id);
        if ((await accessLevelOnProject(tx, actor, current)) < ACCESS_LEVEL.owner)
          throw RuleViolation.notAllowed();
        if (namespace.id === current.namespaceId)
          throw RuleViolation.refused('Project is already in this namespace.');
        const visibility =
          namespace.kind === 'group' && exceedsVisibility(current.visibility, namespace.visibility)
            ? namespace.visibility
            : current.visibility;
        return moveProject(tx, current, joinPath(namespace.fullPath, current.path), {
          namespaceId: namespace.id,
          visibility,
        });
      }),
    () => RuleViolation.pathTaken(),
  );
}
