import type { Namespace, Prisma, PrismaClient, Project, User } from '../../generated/prisma/client';
import { ACCESS_LEVEL } from '../access-level';
import { lockChain } from '../groups/group-tree';
import { checkName, checkPath, joinPath, pathFromName } from '../groups/naming';
import { recordIdentityEvent } from '../identity-events';
import { accessLevelOnNamespace, accessLevelOnProject } from '../membership';
import { claimRoute, onUniqueViolation } from '../routes';
import { RuleViolation } from '../rule-violation';
import { canSeeGroup, exceedsVisibility, type Visibility } from '../visibility';
import {
  checkPackageLevelAllowed,
  DEFAULT_REGISTRY_LEVELS,
  requestedLevels,
  type RegistrySettingsInput,
} from './registry-settings';

export interface NewProject extends RegistrySettingsInput {
  /** At least one of name and path: the other is derived from it. */
  name?: string;
  path?: string;
  /** Default: the creator's personal namespace. */
  namespaceId?: number;
  /** Default: private. */
  visibility?: Visibility;
  description?: string;
}

type Tx = Prisma.TransactionClient;

/**
 * Creates a project for `creator`: always allowed in their personal namespace (they own it
 * through the namespace, no membership needed), in a group with Maintainer or more (GitLab's
 * default "Maintainers can create projects"). As on GitLab, a creator whose own roles give less
 * than Maintainer on the new project (an admin) is added as its Maintainer.
 */
export async function createProject(
  prisma: PrismaClient,
  creator: User,
  input: NewProject,
): Promise<Project> {
  const name = input.name ?? input.path ?? '';
  const path = input.path ?? pathFromName(name);
  checkName(name);
  checkPath(path, { topLevel: false });
  const visibility = input.visibility ?? 'private';
  const levels = requestedLevels(input, DEFAULT_REGISTRY_LEVELS);
  return onUniqueViolation(
    () =>
      prisma.$transaction(async (tx) => {
        const namespace = await targetNamespace(tx, creator, input.namespaceId);
        if (namespace.kind === 'group' && exceedsVisibility(visibility, namespace.visibility)) {
          throw RuleViolation.invalidField(
            'visibility_level',
            `${visibility} is not allowed in a ${namespace.visibility} group.`,
          );
        }
        await checkPackageLevelAllowed(tx, levels.packageRegistryAccessLevel, undefined);
        const fullPath = joinPath(namespace.fullPath, path);
        const project = await tx.project.create({
          data: {
            namespaceId: namespace.id,
            name,
            path,
            fullPath,
            description: input.description ?? '',
            visibility,
            ...levels,
            creatorId: creator.id,
          },
        });
        await claimRoute(tx, fullPath, { projectId: project.id });
        const ownLevel = await accessLevelOnProject(tx, { id: creator.id, admin: false }, project);
        if (ownLevel < ACCESS_LEVEL.maintainer) {
          await tx.member.create({
            data: {
              userId: creator.id,
              projectId: project.id,
              accessLevel: ACCESS_LEVEL.maintainer,
              createdById: creator.id,
            },
          });
          await recordIdentityEvent(tx, 'identity.membership.changed', {
            user_id: creator.id,
            project_id: project.id,
          });
        }
        await recordIdentityEvent(tx, 'identity.project.created', {
          project_id: project.id,
          full_path: project.fullPath,
        });
        return project;
      }),
    () => RuleViolation.pathTaken(),
  );
}

/**
 * The namespace a project is created in or transferred to, locked against renames while the
 * transaction lasts; refuses namespaces the user may not put projects in. Others' personal
 * namespaces and groups they cannot see are "not found", as on GitLab.
 */
export async function targetNamespace(
  tx: Tx,
  user: User,
  namespaceId: number | undefined,
): Promise<Namespace> {
  const id = namespaceId ?? (await tx.namespace.findUnique({ where: { ownerId: user.id } }))?.id;
  const namespace = id === undefined ? undefined : (await lockChain(tx, id))[0];
  if (!namespace) throw RuleViolation.notFound('Namespace');
  if (namespace.kind === 'user') {
    if (namespace.ownerId !== user.id && !user.admin) throw RuleViolation.notFound('Namespace');
    return namespace;
  }
  if (!(await canSeeGroup(tx, user, namespace))) throw RuleViolation.notFound('Namespace');
  if ((await accessLevelOnNamespace(tx, user, namespace.id)) < ACCESS_LEVEL.maintainer) {
    throw RuleViolation.notAllowed();
  }
  return namespace;
}
