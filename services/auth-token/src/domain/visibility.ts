import type { Namespace, Prisma, PrismaClient, Project, User } from '../generated/prisma/client';
import { AUTH_TOKEN_SCHEMA } from '../schema';
import { NO_ACCESS } from './access-level';
import { findGroup, findProject, type Ref } from './lookup';
import type { MemberReach } from './members/member-reach';
import { accessLevelOnNamespace, accessLevelOnProject } from './membership';

/**
 * Who can see a group or a project, after GitLab:
 * - public: anyone, signed in or not;
 * - internal: any signed-in user;
 * - private: admins, and users with any role on it, including roles inherited from ancestor
 *   groups (and, for projects, owning the personal namespace).
 * A private group is also visible to a user with a role on any group or project beneath it, as
 * GitLab shows the groups on the way to what one may see. (Visibility never exceeds the parent's,
 * so public or internal things inside a private group cannot exist; the rule needs nothing more.)
 */
export const VISIBILITIES = ['private', 'internal', 'public'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** Anyone who can be shown something: a signed-in user, or nobody (anonymous). */
export type Viewer = Pick<User, 'id' | 'admin'> | undefined;

type Db = Pick<PrismaClient, '$queryRawUnsafe' | 'project' | 'namespace' | 'route'>;

/** GitLab's numeric order: private 0 < internal 10 < public 20. */
const RANK: Record<Visibility, number> = { private: 0, internal: 10, public: 20 };

export function isVisibility(value: string): value is Visibility {
  return (VISIBILITIES as readonly string[]).includes(value);
}

/** Whether `visibility` is more open than `limit`. */
export function exceedsVisibility(visibility: string, limit: string): boolean {
  return (RANK[visibility as Visibility] ?? 0) > (RANK[limit as Visibility] ?? 0);
}

/** Visible without looking at memberships, or undefined when memberships decide. */
function openTo(viewer: Viewer, visibility: string): boolean | undefined {
  if (visibility === 'public') return true;
  if (!viewer) return false;
  if (visibility === 'internal' || viewer.admin) return true;
  return undefined;
}

export async function canSeeProject(
  prisma: Pick<Db, '$queryRawUnsafe'>,
  viewer: Viewer,
  project: Pick<Project, 'id' | 'namespaceId' | 'visibility'>,
): Promise<boolean> {
  const open = openTo(viewer, project.visibility);
  if (open !== undefined || !viewer) return open ?? false;
  return (await accessLevelOnProject(prisma, viewer, project)) > NO_ACCESS;
}

const S = `"${AUTH_TOKEN_SCHEMA}"`;

// A membership on the group's subtree: a group beneath it, or a project in any of those groups.
const ROLE_BENEATH = `
  WITH RECURSIVE sub AS (
    SELECT id FROM ${S}."namespaces" WHERE parent_id = $1
    UNION ALL
    SELECT n.id FROM ${S}."namespaces" n JOIN sub ON n.parent_id = sub.id
  )
  SELECT EXISTS (
    SELECT 1 FROM ${S}."members" m
    WHERE m.user_id = $2 AND (m.expires_at IS NULL OR m.expires_at > CURRENT_DATE)
      AND (m.namespace_id IN (SELECT id FROM sub)
        OR m.project_id IN (SELECT p.id FROM ${S}."projects" p
                             WHERE p.namespace_id = $1 OR p.namespace_id IN (SELECT id FROM sub)))
  ) AS found`;

export async function canSeeGroup(
  prisma: Pick<Db, '$queryRawUnsafe'>,
  viewer: Viewer,
  group: Pick<Namespace, 'id' | 'visibility'>,
): Promise<boolean> {
  const open = openTo(viewer, group.visibility);
  if (open !== undefined || !viewer) return open ?? false;
  if ((await accessLevelOnNamespace(prisma, viewer, group.id)) > NO_ACCESS) return true;
  const [row] = await prisma.$queryRawUnsafe<{ found: boolean }[]>(ROLE_BENEATH, group.id, viewer.id);
  return row?.found === true;
}

/** The project `ref` names, or null when there is none or the viewer may not see it. */
export async function findVisibleProject(prisma: Db, viewer: Viewer, ref: Ref): Promise<Project | null> {
  const project = await findProject(prisma, ref);
  return project && (await canSeeProject(prisma, viewer, project)) ? project : null;
}

/** The group `ref` names, or null when there is none or the viewer may not see it. */
export async function findVisibleGroup(prisma: Db, viewer: Viewer, ref: Ref): Promise<Namespace | null> {
  const group = await findGroup(prisma, ref);
  return group && (await canSeeGroup(prisma, viewer, group)) ? group : null;
}

/** Prisma filter for the projects a viewer sees; `reach` is required for non-admin users. */
export function visibleProjectsWhere(
  viewer: Viewer,
  reach: MemberReach | undefined,
): Prisma.ProjectWhereInput {
  if (!viewer) return { visibility: 'public' };
  if (viewer.admin) return {};
  return {
    OR: [
      { visibility: { in: ['public', 'internal'] } },
      { id: { in: [...(reach?.projectLevels.keys() ?? [])] } },
      { namespaceId: { in: [...(reach?.namespaceLevels.keys() ?? [])] } },
    ],
  };
}

/** Prisma filter for the groups a viewer sees; `reach` is required for non-admin users. */
export function visibleGroupsWhere(
  viewer: Viewer,
  reach: MemberReach | undefined,
): Prisma.NamespaceWhereInput {
  if (!viewer) return { kind: 'group', visibility: 'public' };
  if (viewer.admin) return { kind: 'group' };
  return {
    kind: 'group',
    OR: [
      { visibility: { in: ['public', 'internal'] } },
      { id: { in: [...(reach?.namespaceLevels.keys() ?? []), ...(reach?.groupsAbove ?? [])] } },
    ],
  };
}
