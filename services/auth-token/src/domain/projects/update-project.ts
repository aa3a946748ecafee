import type { Prisma, PrismaClient, Project, User } from '../../generated/prisma/client';
import { AUTH_TOKEN_SCHEMA } from '../../schema';
import { ACCESS_LEVEL } from '../access-level';
import { lockChain } from '../groups/group-tree';
import { checkName, checkPath, joinPath } from '../groups/naming';
import { recordIdentityEvent } from '../identity-events';
import { accessLevelOnProject } from '../membership';
import { onUniqueViolation } from '../routes';
import { RuleViolation } from '../rule-violation';
import { exceedsVisibility, type Visibility } from '../visibility';
import { moveProject } from './project-paths';
import { checkPackageLevelAllowed, requestedLevels, type RegistrySettingsInput } from './registry-settings';
import { ALLOW_ALL_MOVES, type RenameGuard } from './rename-guard';

export interface ProjectChanges extends RegistrySettingsInput {
  name?: string;
  path?: string;
  visibility?: Visibility;
  description?: string;
}

type Tx = Prisma.TransactionClient;

/** Locks a project row for a change to it and returns it as committed now. */
export async function lockProject(tx: Tx, projectId: number): Promise<Project> {
  await tx.$queryRawUnsafe(
    `SELECT id FROM "${AUTH_TOKEN_SCHEMA}"."projects" WHERE id = $1 FOR UPDATE`,
    projectId,
  );
  const project = await tx.project.findUnique({ where: { id: projectId } });
  if (!project) throw RuleViolation.notFound('Project');
  return project;
}

/**
 * Maintainers change a project's name, description, visibility and registry settings; changing
 * its path (which moves its images and packages) takes an Owner, and `guard` is asked first.
 * Every change records identity.project.updated (with the previous path after a move), since
 * other services decide access on visibility and registry levels.
 */
export async function updateProject(
  prisma: PrismaClient,
  actor: User,
  project: Project,
  changes: ProjectChanges,
  guard: RenameGuard = ALLOW_ALL_MOVES,
): Promise<Project> {
  if (changes.name !== undefined) checkName(changes.name);
  const newPath = changes.path !== undefined && changes.path !== project.path ? changes.path : undefined;
  if (newPath !== undefined) {
    checkPath(newPath, { topLevel: false });
    const newFullPath = project.fullPath.slice(0, -project.path.length) + newPath;
    const refusal = await guard.refusalFor([
      { projectId: project.id, fullPath: project.fullPath, newFullPath },
    ]);
    if (refusal) throw RuleViolation.refused(refusal);
  }
  return onUniqueViolation(
    () =>
      prisma.$transaction(async (tx) => {
        const namespace = (await lockChain(tx, project.namespaceId))[0];
        const current = await lockProject(tx, project.id);
        const level = await accessLevelOnProject(tx, actor, current);
        if (level < ACCESS_LEVEL.maintainer || (newPath !== undefined && level < ACCESS_LEVEL.owner)) {
          throw RuleViolation.notAllowed();
        }
        if (
          changes.visibility !== undefined &&
          namespace?.kind === 'group' &&
          exceedsVisibility(changes.visibility, namespace.visibility)
        ) {
          throw RuleViolation.invalidField(
            'visibility_level',
            `${changes.visibility} is not allowed in a ${namespace.visibility} group.`,
          );
        }
        const levels = requestedLevels(changes, current);
        await checkPackageLevelAllowed(
          tx,
          changes.packageRegistryAccessLevel,
          current.packageRegistryAccessLevel,
        );
        const updated = await tx.project.update({
          where: { id: current.id },
          data: {
            name: changes.name,
            description: changes.description,
            visibility: changes.visibility,
            ...levels,
          },
        });
        if (newPath !== undefined && newPath !== current.path) {
          return moveProject(tx, updated, joinPath(namespace?.fullPath ?? null, newPath), { path: newPath });
        }
        await recordIdentityEvent(tx, 'identity.project.updated', {
          project_id: updated.id,
          full_path: updated.fullPath,
        });
        return updated;
      }),
    () => RuleViolation.pathTaken(),
  );
}
